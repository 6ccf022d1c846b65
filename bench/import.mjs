// /token/create import form: 10,000 and 100,000 OATH CSV tokens in one call each, timed
// end to end over HTTP (JSON body, parse, checks, AES-256-GCM per seed, set-based INSERTs,
// commit, reply). Target: 100k under 10 s on 2 cores. Then `tokengate rotate-master-key`
// over all of them (one transaction, batches of 5000 re-sealed and written back with unnest).
// Usage: npm run build && node bench/import.mjs
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { peakRssMbOf, repoRoot, startPostgres, startTokengate } from './lib/harness.mjs';
import { bearer, httpClient } from './lib/http-client.mjs';
import { printTimed } from './lib/report.mjs';

const masterKey = randomBytes(32).toString('base64');
const db = await startPostgres();
const tg = await startTokengate(db.url, { TOKENGATE_MASTER_KEY: masterKey });
const client = httpClient(tg.url);

async function timeImport(count, prefix) {
  const data = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(7, '0')},${randomBytes(20).toString('hex')},HOTP,6,0`).join('\n');
  const body = JSON.stringify({ attrs: { data, product: { manufacturerCode: 'OATH', productCode: 'HOTP' } } });
  const started = performance.now();
  const result = await client.call('/rest/token/create', body, bearer(tg.adminKey));
  const seconds = (performance.now() - started) / 1000;
  if (result.total !== count) throw new Error(`import of ${count} answered total ${result.total}`);
  const peakRssMb = peakRssMbOf(tg.pid);
  console.log(`${String(count).padStart(7)} tokens  ${(body.length / 1e6).toFixed(1).padStart(5)} MB  ${seconds.toFixed(2).padStart(6)} s  ${Math.round(count / seconds).toString().padStart(7)} tokens/s  server RSS peak so far ${peakRssMb.toFixed(0)} MB`);
  const goal = count === 100_000 ? { targets: [{ target: '< 10 s', met: seconds < 10 }] } : {};
  printTimed({ name: `OATH CSV import, ${count} tokens (one /rest/token/create call)`, seconds, rows: count, rowsPerSec: Math.round(count / seconds), peakRssMb: Math.round(peakRssMb), ...goal });
}

console.log('OATH CSV import through POST /rest/token/create, one call each');
await timeImport(10_000, 'TEN-');
await timeImport(100_000, 'HUN-');

client.close();
await tg.stop();
const started = performance.now();
const out = execFileSync(process.execPath, [join(repoRoot, 'dist/src/cli/main.js'), 'rotate-master-key', '--new-key', randomBytes(32).toString('hex')], {
  env: { ...process.env, DATABASE_URL: db.url, TOKENGATE_MASTER_KEY: masterKey }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
});
const rotateSeconds = (performance.now() - started) / 1000;
console.log(`rotate-master-key: ${out.split('\n').find((l) => l.startsWith('re-encrypted'))} in ${rotateSeconds.toFixed(2)} s`);
printTimed({ name: 'rotate-master-key over 110,000 tokens (CLI, one transaction)', seconds: rotateSeconds, rows: 110_000, rowsPerSec: Math.round(110_000 / rotateSeconds) });
await db.stop();
