// /token/create import form, streamed (issue 16): a 1M-token OATH CSV file sent as the
// text/csv body and a 100k-key PSKC file (AES-128-CBC under a pre-shared key, HMAC-SHA1
// value MACs, as RFC 6030 figure 6) sent as application/pskc+xml, each to a fresh server
// process, timed from the first byte sent to the last byte of the streamed reply, with
// the server's peak RSS (VmHWM). Beside them, PostgreSQL's own COPY of the same CSV into
// a plain table (no checks, no sealing) in the same run, as a reference.
// Targets: 1M CSV ≤ 30 s and peak RSS ≤ 300 MB; 100k PSKC peak RSS ≤ 300 MB.
// Usage: npm run build && node bench/import.mjs [csvTokens] [pskcKeys]   (default 1000000 100000)
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { peakRssMbOf, startPostgres, startTokengate } from './lib/harness.mjs';
import { printTimed, round } from './lib/report.mjs';

const [csvTokens = 1_000_000, pskcKeys = 100_000] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-import-'));
chmodSync(dir, 0o755); // COPY reads the file as the postgres user
const db = await startPostgres();
const pool = new pg.Pool({ connectionString: db.url, max: 1 });
pool.on('error', () => {}); // PostgreSQL stopping at the end ends its idle connection: not a bench failure
const serverEnv = { TOKENGATE_MASTER_KEY: randomBytes(32).toString('hex') };
const first = await startTokengate(db.url, serverEnv); // migrates
serverEnv.TOKENGATE_ADMIN_KEY = first.adminKey;
await first.stop();

console.log(`streamed import: ${csvTokens} OATH CSV tokens, ${pskcKeys} PSKC keys; one server process each`);
const csv = await writeFile('tokens.csv', csvTokens, (i) => `CSV${String(i).padStart(8, '0')},${randomBytes(20).toString('hex')},HOTP,6,0\n`);
const csvRun = await timeUpload(csv, 'text/csv', csvTokens);
const copySeconds = await copyReference(csv);
report(`OATH CSV import, ${csvTokens} tokens (streamed text/csv)`, csvRun, csvTokens, {
  copySeconds: round(copySeconds, 3), ratio: round(csvRun.seconds / copySeconds, 1), ratioTo: 'COPY',
  targets: [
    ...(csvTokens >= 1_000_000 ? [{ target: '≤ 30 s', met: csvRun.seconds <= 30 }] : []),
    { target: 'RSS ≤ 300 MB', met: csvRun.peakMb <= 300 },
  ],
});

const psk = randomBytes(16);
const pskc = await writePskc('keys.pskcxml', pskcKeys, psk);
const pskcRun = await timeUpload(pskc, 'application/pskc+xml', pskcKeys, { 'x-tokengate-psk': psk.toString('hex') });
report(`PSKC import, ${pskcKeys} keys (streamed application/pskc+xml, AES-128-CBC + HMAC-SHA1)`, pskcRun, pskcKeys, {
  targets: [{ target: 'RSS ≤ 300 MB', met: pskcRun.peakMb <= 300 }],
});

await pool.end();
await db.stop();
rmSync(dir, { recursive: true, force: true });

function report(name, run, rows, extra) {
  console.log(`${name}: ${run.seconds.toFixed(2)} s, ${Math.round(rows / run.seconds)} tokens/s, server RSS peak ${run.peakMb.toFixed(0)} MB, ${(run.bytes / 1e6).toFixed(1)} MB file`
    + (extra.copySeconds ? `; COPY of the same file ${extra.copySeconds.toFixed(2)} s (${extra.ratio}×)` : ''));
  printTimed({ name, seconds: run.seconds, rows, rowsPerSec: Math.round(rows / run.seconds), peakRssMb: Math.round(run.peakMb), ...extra });
}

/** A fresh server; the file POSTed as the body; the reply read to its end (its rows counted). */
async function timeUpload(file, contentType, expected, headers = {}) {
  const tg = await startTokengate(db.url, serverEnv);
  const started = performance.now();
  const { status, body } = await post(tg, file, contentType, headers);
  const seconds = (performance.now() - started) / 1000;
  const peakMb = peakRssMbOf(tg.pid);
  await tg.stop();
  const reply = JSON.parse(body);
  if (status !== 200 || reply.result?.total !== expected || reply.result.rows.length !== expected) {
    throw new Error(`unexpected reply (${status}): ${body.slice(0, 500)}`);
  }
  return { seconds, peakMb, bytes: statSync(file).size };
}

function post(tg, file, contentType, headers) {
  return new Promise((resolve, reject) => {
    const url = new URL(`${tg.url}/rest/token/create`);
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${tg.adminKey}`, 'content-length': statSync(file).size, ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c)).on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

/** PostgreSQL's own speed on the same bytes: a server-side COPY into a plain table. */
async function copyReference(file) {
  await pool.query('CREATE TABLE bench_import_copy (serial text, seed text, type text, digits int, counter bigint)');
  await pool.query('CHECKPOINT');
  const started = performance.now();
  await pool.query(`COPY bench_import_copy FROM '${file}' WITH (FORMAT csv)`);
  const seconds = (performance.now() - started) / 1000;
  await pool.query('DROP TABLE bench_import_copy');
  return seconds;
}

async function writeFile(name, count, line) {
  const file = join(dir, name);
  const out = createWriteStream(file, { mode: 0o644 });
  for (let i = 0; i < count; i++) if (!out.write(line(i))) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  return file;
}

/** RFC 6030 §6.1 layout: the MAC key encrypted under the PSK, each secret AES-128-CBC with its IV, and its ValueMAC. */
async function writePskc(name, count, key) {
  const macKey = randomBytes(20);
  const encrypt = (plain) => {
    const iv = randomBytes(16);
    const cipher = createCipheriv('aes-128-cbc', key, iv);
    return Buffer.concat([iv, cipher.update(plain), cipher.final()]);
  };
  const aes = 'http://www.w3.org/2001/04/xmlenc#aes128-cbc';
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
<EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName></EncryptionKey>
<MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1"><MACKey><xenc:EncryptionMethod Algorithm="${aes}"/>
<xenc:CipherData><xenc:CipherValue>${encrypt(macKey).toString('base64')}</xenc:CipherValue></xenc:CipherData></MACKey></MACMethod>
`;
  const file = join(dir, name);
  const out = createWriteStream(file, { mode: 0o644 });
  out.write(head);
  for (let i = 0; i < count; i++) {
    const cipherValue = encrypt(randomBytes(20));
    const mac = createHmac('sha1', macKey).update(cipherValue).digest('base64');
    const keyPackage = `<KeyPackage><DeviceInfo><Manufacturer>Bench</Manufacturer><SerialNo>PSKC${String(i).padStart(8, '0')}</SerialNo></DeviceInfo>
<Key Id="K${i}" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"><AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>
<Data><Secret><EncryptedValue><xenc:EncryptionMethod Algorithm="${aes}"/><xenc:CipherData><xenc:CipherValue>${cipherValue.toString('base64')}</xenc:CipherValue></xenc:CipherData></EncryptedValue>
<ValueMAC>${mac}</ValueMAC></Secret><Counter><PlainValue>0</PlainValue></Counter></Data></Key></KeyPackage>
`;
    if (!out.write(keyPackage)) await once(out, 'drain');
  }
  out.end('</KeyContainer>\n');
  await once(out, 'finish');
  return file;
}
