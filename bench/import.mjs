// /token/create import form: 10,000 and 100,000 OATH CSV tokens in one call each, timed
// end to end over HTTP (JSON body, parse, checks, AES-256-GCM per seed, set-based INSERTs,
// commit, reply). Target: 100k under 10 s on 2 cores. Then `tokengate rotate-master-key`
// over all of them (one transaction, batches of 5000 re-sealed and written back with unnest).
// Usage: npm run build && node bench/import.mjs
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { repoRoot, startPostgres, startTokengate } from './lib/harness.mjs';

const masterKey = randomBytes(32).toString('base64');
const db = await startPostgres();
const tg = await startTokengate(db.url, { TOKENGATE_MASTER_KEY: masterKey });

async function timeImport(count, prefix) {
  const data = Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(7, '0')},${randomBytes(20).toString('hex')},HOTP,6,0`).join('\n');
  const body = JSON.stringify({ attrs: { data, product: { manufacturerCode: 'OATH', productCode: 'HOTP' } } });
  const started = performance.now();
  const res = await fetch(`${tg.url}/rest/token/create`, {
    method: 'POST', headers: { authorization: `Bearer ${tg.adminKey}`, 'content-type': 'application/json' }, body,
  });
  const reply = await res.json();
  const seconds = (performance.now() - started) / 1000;
  if (reply.error !== 0 || reply.result.total !== count) throw new Error(`import of ${count} failed: ${JSON.stringify(reply).slice(0, 300)}`);
  console.log(`${String(count).padStart(7)} tokens  ${(body.length / 1e6).toFixed(1).padStart(5)} MB  ${seconds.toFixed(2).padStart(6)} s  ${Math.round(count / seconds).toString().padStart(7)} tokens/s`);
}

console.log('OATH CSV import through POST /rest/token/create, one call each');
await timeImport(10_000, 'TEN-');
await timeImport(100_000, 'HUN-');

await tg.stop();
const started = performance.now();
const out = execFileSync(process.execPath, [join(repoRoot, 'dist/src/cli/main.js'), 'rotate-master-key', '--new-key', randomBytes(32).toString('hex')], {
  env: { ...process.env, DATABASE_URL: db.url, TOKENGATE_MASTER_KEY: masterKey }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
});
console.log(`rotate-master-key: ${out.split('\n').find((l) => l.startsWith('re-encrypted'))} in ${((performance.now() - started) / 1000).toFixed(2)} s`);
await db.stop();
