// /token/batchAssignTokens (issue 16): a CSV file with a PIN on every row and users that
// do not exist yet (createUsers=true), streamed as the text/csv body to the compiled
// server (a fresh server process per size), timed from the first byte sent to the reply,
// with the server process's peak RSS (VmHWM from /proc).
// The FLOOR, measured in the same run on the same PostgreSQL: COPY of the same file into
// a staging table, then one INSERT … SELECT into an assignments table with a primary key,
// two foreign keys and an index (the names resolved to ids by joins, nothing checked,
// no PIN hashed). tokengate's ratio to it is printed beside it.
// Beside it, not part of it: "+ users", creating the file's users set-based (the floor
// creates none though the file's users are all new), and tokengate's ratio to floor + users.
// Targets: 100k rows ≤ 5 s and ≤ 2× the floor; 1M rows ≤ 2× the floor, peak RSS ≤ 300 MB.
// Each size runs BENCH_REPEAT times (default 3 up to 100k rows, else 1), tokengate and the
// floor alternated, and is judged on the run with the median ratio (each run printed).
// Usage: npm run build && node bench/batch-assign.mjs [rows…]   (default 100000 1000000)
// BENCH_PROFILE=<dir>: each server's CPU by function from its first batchAssignTokens call
// (lib/profile.mjs); BENCH_STATEMENTS=1: PostgreSQL's time by statement over the whole run,
// the floor's statements included (lib/harness.mjs printStatementStats).
import { randomBytes } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { peakRssMbOf, printStatementStats, startPostgres, startTokengate } from './lib/harness.mjs';
import { printProfile } from './lib/profile.mjs';
import { printTimed, round } from './lib/report.mjs';

const sizes = process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);
if (sizes.length === 0) sizes.push(100_000, 1_000_000);
const largest = Math.max(...sizes);
const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-csv-'));
chmodSync(dir, 0o755); // COPY reads the files as the postgres user

const db = await startPostgres();
const pool = new pg.Pool({ connectionString: db.url, max: 2 });
pool.on('error', () => {}); // PostgreSQL stopping at the end ends its idle connection: not a bench failure
// Every server process of the run shares one master key, and the admin key the first one created.
const serverEnv = { TOKENGATE_MASTER_KEY: randomBytes(32).toString('hex') };
const first = await startTokengate(db.url, serverEnv); // migrates the database
serverEnv.TOKENGATE_ADMIN_KEY = first.adminKey;
await first.stop();
await prepare(largest);

console.log(`batch-assign: ${sizes.join(', ')} rows, a PIN on every row, new users; streamed text/csv; one server process per run`);
console.log('rows'.padStart(9), 'tokengate'.padStart(11), 'rows/s'.padStart(9), 'floor'.padStart(9), '(COPY'.padStart(8), '+ INSERT)'.padStart(10),
  'ratio'.padStart(7), '+ users'.padStart(9), 'ratio'.padStart(8), 'server RSS peak'.padStart(16));
for (const rows of sizes) await run(rows);
await printStatementStats(db.url, 20);

await pool.end();
await db.stop();
rmSync(dir, { recursive: true, force: true });

/** `n` OATH/HOTP tokens (the bench never reads a seed: a placeholder is sealed), the floor's tables. */
async function prepare(n) {
  const started = performance.now();
  await pool.query(`
    INSERT INTO tokens (product_id, serial, seed_sealed, algorithm, digits, period)
    SELECT p.id, 'S' || i, '\\x00'::bytea, p.algorithm, p.digits, p.period
    FROM products p, generate_series(0, $1 - 1) i WHERE p.manufacturer_code = 'OATH' AND p.product_code = 'HOTP'`, [n]);
  await pool.query('VACUUM ANALYZE tokens');
  await pool.query(`CREATE TABLE floor_staging (domain text, login_name text, manufacturer_code text, product_code text, serial text, status text, pin text)`);
  await pool.query(`CREATE TABLE floor_assignments (
    token_id uuid NOT NULL REFERENCES tokens (id), user_id uuid NOT NULL REFERENCES users (id),
    status text NOT NULL, pin text, PRIMARY KEY (token_id, user_id))`);
  await pool.query('CREATE INDEX floor_assignments_user ON floor_assignments (user_id)');
  console.log(`prepared ${n} tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * `rows` measured BENCH_REPEAT times (default 3 up to 100k rows, else 1), tokengate and the
 * floor alternated, each time with users new to a domain of its own: both sides vary by
 * ±10% from run to run on a shared VM (the floor alone 1.83–2.28 s at 100k), so the targets
 * are judged on the median of the paired ratios, every run printed.
 */
async function run(rows) {
  const repeat = Number(process.env.BENCH_REPEAT ?? (rows <= 100_000 ? 3 : 1));
  const runs = [];
  for (let k = 0; k < repeat; k++) runs.push(await runOnce(rows, k === 0 ? `bench${rows}` : `bench${rows}r${k}`));
  if (repeat === 1) return report(rows, runs[0], runs);
  const middle = [...runs].sort((a, b) => a.ratio - b.ratio)[Math.floor(runs.length / 2)];
  console.log(`${'median'.padStart(9)} of ${repeat} runs (paired ratios ${runs.map((r) => `${r.ratio.toFixed(2)}×`).join(', ')})`);
  report(rows, middle, runs);
}

/** One tokengate run on a fresh server process, then the floor on the same file. */
async function runOnce(rows, domain) {
  await pool.query('INSERT INTO domains (name, name_key) VALUES ($1, $1)', [domain]); // lower-case ASCII: its own key
  const file = await writeCsv(rows, domain);
  await pool.query('TRUNCATE token_assignments, floor_assignments, floor_staging');
  await pool.query('VACUUM ANALYZE token_assignments');
  await pool.query('CHECKPOINT');

  const tg = await startTokengate(db.url, serverEnv);
  const started = performance.now();
  const reply = await upload(tg, file);
  const seconds = (performance.now() - started) / 1000;
  const peakMb = peakRssMbOf(tg.pid);
  await tg.stop();
  printProfile(tg.pid, { from: 'batchAssignTokens' });
  if (reply.result?.assigned !== rows) throw new Error(`unexpected reply: ${JSON.stringify(reply).slice(0, 500)}`);

  const floor = await measureFloor(file, rows, domain);
  const fileMb = statSync(file).size / 1e6;
  rmSync(file);
  const result = { seconds, peakMb, floor, fileMb, ratio: seconds / floor.seconds, ratioWithUsers: seconds / (floor.seconds + floor.users) };
  printRow(rows, result);
  return result;
}

function printRow(rows, { seconds, peakMb, floor, fileMb, ratio, ratioWithUsers }) {
  console.log(
    String(rows).padStart(9), `${seconds.toFixed(2)} s`.padStart(11), Math.round(rows / seconds).toString().padStart(9),
    `${floor.seconds.toFixed(2)} s`.padStart(9), `${floor.copy.toFixed(2)}`.padStart(8), `${floor.insert.toFixed(2)})`.padStart(10),
    `${ratio.toFixed(2)}×`.padStart(7), `${floor.users.toFixed(2)} s`.padStart(9), `${ratioWithUsers.toFixed(2)}×`.padStart(8),
    `${peakMb.toFixed(0)} MB`.padStart(16), `  (${fileMb.toFixed(1)} MB file)`);
}

/** The RESULT line: the run with the median ratio (the only one when not repeated), every run's ratio beside it, the highest peak RSS. */
function report(rows, { seconds, floor, ratio, ratioWithUsers }, runs) {
  const peakMb = Math.max(...runs.map((r) => r.peakMb));
  printTimed({
    name: `batchAssignTokens, ${rows} rows, PIN on every row, new users (streamed text/csv)`, seconds, rows, rowsPerSec: Math.round(rows / seconds),
    peakRssMb: Math.round(peakMb), floorSeconds: round(floor.seconds, 3), floorCopySeconds: round(floor.copy, 3), floorInsertSeconds: round(floor.insert, 3),
    ratio: round(ratio, 2), ratioTo: 'floor (COPY + INSERT … SELECT)', ...goal(rows, seconds, ratio, peakMb),
    floorUsersSeconds: round(floor.users, 3), ratioToFloorWithUsers: round(ratioWithUsers, 2),
    ...(runs.length > 1 ? { runs: runs.map((r) => ({ seconds: round(r.seconds, 2), floorSeconds: round(r.floor.seconds, 2), ratio: round(r.ratio, 2) })) } : {}),
  });
}

/** The issue's targets: 100k ≤ 5 s and ≤ 2× floor; 1M ≤ 2× floor and peak RSS ≤ 300 MB. */
function goal(rows, seconds, ratio, peakMb) {
  const targets = [];
  if (rows === 100_000) targets.push({ target: '≤ 5 s', met: seconds <= 5 });
  if (rows >= 100_000) targets.push({ target: '≤ 2× floor', met: ratio <= 2 });
  if (rows >= 1_000_000) targets.push({ target: 'RSS ≤ 300 MB', met: peakMb <= 300 });
  return targets.length ? { targets } : {};
}

/**
 * The set-based floor on the same file and database: a server-side COPY into the staging
 * table, then one INSERT … SELECT resolving domain/user/product/token names by joins into
 * floor_assignments (primary key, two foreign keys, an index). The users exist by now
 * (tokengate created them), so the joins find every row, as tokengate's did.
 */
async function measureFloor(file, rows, domain) {
  await pool.query('CHECKPOINT');
  const copyStarted = performance.now();
  await pool.query(`COPY floor_staging FROM '${file}' WITH (FORMAT csv, HEADER true)`);
  const copy = (performance.now() - copyStarted) / 1000;
  const insertStarted = performance.now();
  const inserted = await pool.query(`
    INSERT INTO floor_assignments (token_id, user_id, status, pin)
    SELECT t.id, u.id, s.status, s.pin FROM floor_staging s
    JOIN domains d ON d.name = s.domain
    JOIN users u ON u.domain_id = d.id AND u.login_name = s.login_name
    JOIN products p ON p.manufacturer_code = s.manufacturer_code AND p.product_code = s.product_code
    JOIN tokens t ON t.product_id = p.id AND t.serial = s.serial`);
  const insert = (performance.now() - insertStarted) / 1000;
  if (inserted.rowCount !== rows) throw new Error(`the floor inserted ${inserted.rowCount} rows, not ${rows}`);
  const users = await measureUserCreation(domain);
  return { copy, insert, seconds: copy + insert, users };
}

/**
 * Beside the floor, not part of it: what creating the file's users costs set-based (one
 * INSERT … SELECT DISTINCT into users, whose foreign key and two indexes tokengate's users
 * also pay), in a domain of their own since tokengate's run made these names already.
 * The issue's floor creates no users though its file has only new ones; "+ users" and its
 * ratio show tokengate against a floor that does.
 */
async function measureUserCreation(domain) {
  const { rows: [own] } = await pool.query('INSERT INTO domains (name, name_key) VALUES ($1, $1) RETURNING id', [`${domain}-floor`]);
  const started = performance.now();
  await pool.query(`
    INSERT INTO users (domain_id, login_name, login_name_key)
    SELECT DISTINCT ON (lower(login_name)) $1::uuid, login_name, lower(login_name) FROM floor_staging ORDER BY lower(login_name)`, [own.id]);
  return (performance.now() - started) / 1000;
}

async function writeCsv(rows, domain) {
  const file = join(dir, `assign-${rows}.csv`);
  const out = createWriteStream(file, { mode: 0o644 });
  out.write('domain,loginName,manufacturerCode,productCode,serial,status,pin\n');
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${domain},user${i},OATH,HOTP,S${i},ACTIVE,${String(i * 7919 % 1e6).padStart(6, '0')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** POST the file as the streamed text/csv body; the parsed JSON reply. */
function upload(tg, file) {
  return new Promise((resolve, reject) => {
    const url = new URL(`${tg.url}/rest/token/batchAssignTokens?createUsers=true`);
    const req = http.request({
      host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${tg.adminKey}`, 'content-length': statSync(file).size },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; }).on('end', () => resolve(JSON.parse(body)));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}
