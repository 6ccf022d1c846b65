import type { Command } from 'commander';
import type { Database } from '../db';
import { loadConfig } from '../config';
import { openDatabase } from '../db';
import { startEmbeddedPostgres } from '../db/embedded';
import { loadServerKeys, resolveMasterKey } from '../db/server-keys';
import type { ServerKeys } from '../contract/method';
import apikeyCreate from '../methods/apikey/create';
import apikeyRevoke from '../methods/apikey/revoke';
import apikeySearch from '../methods/apikey/search';
import { SCOPES } from '../services/apikeys/api-keys';
import { operatorCalls } from './operator-calls';

/** What `tokengate apikey …` may run: the same methods as over HTTP, audited as `operator:cli`. */
const APIKEY_METHODS = [apikeyCreate, apikeyRevoke, apikeySearch];

/** Runs `work` against the configured database (embedded when DATABASE_URL is unset). */
export async function withDatabase<T>(work: (ds: Database, keys: ServerKeys) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const embedded = config.databaseUrl
    ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, say: (l) => console.error(l) });
  const ds = await openDatabase(config.databaseUrl ?? embedded!.url, { poolSize: 4, hotConnections: 1, connectTimeoutMs: config.dbConnectTimeoutMs })
    .catch(async (err: unknown) => { await embedded?.stop(); throw err; });
  try {
    const keys = await loadServerKeys(ds, resolveMasterKey(config.masterKey, config.dataDir, (l) => console.error(l)));
    return await work(ds, keys);
  } finally {
    await ds.close();
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
      const attrs = { name: o.name, scopes: o.scope, ...(o.identity ? { identity: o.identity } : {}), ...(o.expiresAt ? { expiresAt: o.expiresAt } : {}) };
      console.log(JSON.stringify(await operatorCalls(ds, keys, APIKEY_METHODS)('/apikey/create', { attrs })));
    }));
  apikey.command('list').action(() => withDatabase(async (ds, keys) => {
    const found = await operatorCalls(ds, keys, APIKEY_METHODS)('/apikey/search', { limit: 1000 }) as { rows: unknown[] };
    console.log(JSON.stringify(found.rows, null, 2));
  }));
  apikey.command('revoke <id>').action((id: string) => withDatabase(async (ds, keys) => {
    console.log(JSON.stringify(await operatorCalls(ds, keys, APIKEY_METHODS)('/apikey/revoke', { id })));
  }));
}
