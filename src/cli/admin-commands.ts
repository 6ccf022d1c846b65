import type { Command } from 'commander';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../config';
import { openDatabase } from '../db/data-source';
import { startEmbeddedPostgres } from '../db/embedded';
import { loadServerKeys, resolveMasterKey } from '../db/server-keys';
import type { ServerKeys } from '../contract/method';
import { createApiKey, revokeApiKey, SCOPES, searchApiKeys } from '../services/apikeys/api-keys';

/** Runs `work` against the configured database (embedded when DATABASE_URL is unset). */
export async function withDatabase<T>(work: (ds: DataSource, keys: ServerKeys) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, say: (l) => console.error(l) });
  const ds = await openDatabase(config.databaseUrl ?? embedded!.url, 4, config.dbConnectTimeoutMs).catch(async (err) => { await embedded?.stop(); throw err; });
  try {
    const keys = await loadServerKeys(ds, resolveMasterKey(config.masterKey, config.dataDir, (l) => console.error(l)));
    return await work(ds, keys);
  } finally {
    await ds.destroy();
    await embedded?.stop();
  }
}

export function registerAdminCommands(program: Command): void {
  program.command('migrate').description('apply pending migrations').action(() =>
    withDatabase(async () => console.log('migrations applied')));

  const apikey = program.command('apikey').description('manage API keys');
  apikey.command('create')
    .requiredOption('--name <name>')
    .requiredOption('--scope <scope...>', `one or more of: ${SCOPES.join(', ')}`)
    .option('--identity <address>', 'bind the key to an identity (template methods)')
    .option('--expires-at <iso>', 'expiry time')
    .action((o) => withDatabase(async (ds, keys) => {
      const bad = (o.scope as string[]).filter((s) => !SCOPES.includes(s as never));
      if (bad.length) throw new Error(`unknown scope(s): ${bad.join(', ')}`);
      const created = await createApiKey(ds.manager, keys.pepper, { name: o.name, scopes: o.scope, identity: o.identity, expiresAt: o.expiresAt });
      console.log(JSON.stringify(created));
    }));
  apikey.command('list').action(() => withDatabase(async (ds) => {
    console.log(JSON.stringify((await searchApiKeys(ds.manager, { limit: 1000 })).rows, null, 2));
  }));
  apikey.command('revoke <id>').action((id: string) => withDatabase(async (ds) => {
    console.log(JSON.stringify(await revokeApiKey(ds.manager, id)));
  }));
}
