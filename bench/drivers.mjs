#!/usr/bin/env node
// Which PostgreSQL driver (issue 25: keep the fastest, or a simpler one within 5 % of it),
// measured side by side in ONE run, loaded by wrk (`wrk -t1 -c64`, bench/lib/wrk.mjs).
// Each driver set-up is a bare node:http server in a process of its own (bench/lib/driver-app.mjs)
// serving hot-paths.mjs's two floor statements, one statement a call:
//   A  `UPDATE tokens SET counter = counter + 1 WHERE id = $1 RETURNING counter` (1024 rows in turn)
//   B  HMAC-SHA-256 in node, then `SELECT … FROM user_tokens WHERE token_hash = $1` (256 tokens in turn)
// The set-ups (BENCH_DRIVERS, comma-separated driver:connections; default below):
//   pg:20                 `pg` Pool, unnamed statements: today's floors A and B (the reference)
//   pg-named:4|8|20       `pg` Pool of N, named statements ({name, text, values})
//   pg-pipeline:4         N `new Client({ pipeline: true })`, round-robin, unnamed
//   pg-pipeline-named:4   the same, named statements
//   postgres:4            postgres.js, max N, prepared (skipped when the package is gone)
// Every variant warms up, then gets BENCH_SECONDS (10) in turns of BENCH_TURN_SECONDS (5), the
// order reversed each round, so a shared machine's drift falls on all alike. Printed per
// variant: calls/s, p50, p99, node's and PostgreSQL's CPU per call (/proc), and the ratio to pg:20;
// then the set-ups ranked by calls/s (geometric mean of A and B) and by CPU per call.
// Usage: node bench/drivers.mjs   (builds dist/ first when it is missing: the server migrates the database)
import { spawnSync } from 'node:child_process';
import { randomBytes, createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot, startDriverApp, startPostgres, startTokengate } from './lib/harness.mjs';
import { tmpdir } from 'node:os';
import { printResult } from './lib/report.mjs';
import { BodyLines, runTurns, textTable, wrkOptions } from './lib/wrk.mjs';

const DEFAULT = 'pg:20,pg-named:4,pg-named:8,pg-named:20,pg-pipeline:4,pg-pipeline-named:4,postgres:4';
const ROWS = 1024;
const TOKENS = 256;
let setups = (process.env.BENCH_DRIVERS ?? DEFAULT).split(',').map((s) => {
  const [driver, n] = s.trim().split(':');
  return { driver, connections: Number(n ?? 4), key: `${driver}:${n ?? 4}` };
});
// postgres.js is not a dependency of tokengate (one driver: pg). For the comparison it is
// installed into a folder of its own under the temp dir, once; the driver app loads it from there.
if (setups.some((s) => s.driver === 'postgres')) {
  const dir = join(tmpdir(), 'tokengate-bench-postgresjs');
  if (!existsSync(join(dir, 'node_modules/postgres'))) {
    console.log(`installing postgres.js into ${dir} for the comparison …`);
    spawnSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', dir, 'postgres@3.4'], { stdio: 'inherit' });
  }
  if (existsSync(join(dir, 'node_modules/postgres'))) process.env.BENCH_POSTGRES_JS = join(dir, 'node_modules/postgres/src/index.js');
  else {
    console.log('postgres.js could not be installed: its variant is skipped');
    setups = setups.filter((s) => s.driver !== 'postgres');
  }
}
const LABEL = {
  pg: 'pg, unnamed (today\'s floor)', 'pg-named': 'pg, named statements', 'pg-pipeline': 'pg pipeline mode, unnamed',
  'pg-pipeline-named': 'pg pipeline mode, named', postgres: 'postgres.js, prepared',
};
const label = (s) => `${LABEL[s.driver] ?? s.driver}, ${s.connections} ${s.driver.startsWith('pg-pipeline') ? 'clients round-robin' : 'connections'}`;

if (!existsSync(join(repoRoot, 'dist/src/cli/main.js'))) {
  console.log('building dist/ (the server migrates the bench database) …');
  spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', repoRoot], { stdio: 'inherit' });
}

const stops = [];
try {
  const db = await startPostgres();
  stops.push(() => db.stop());
  await (await startTokengate(db.url)).stop(); // migrates the database
  const pepper = randomBytes(32).toString('hex');
  const fx = await fixtures(db.url, pepper);
  const apps = [];
  for (const s of setups) {
    const app = await startDriverApp(db.url, s.driver, s.connections, pepper);
    stops.push(() => app.stop());
    apps.push(app);
  }
  const aBodies = new BodyLines({ lines: fx.tokenIds.map((id) => JSON.stringify({ id })) });
  const bBodies = new BodyLines({ lines: fx.tokens.map((token) => JSON.stringify({ token })) });
  const variants = setups.flatMap((s, i) => [
    { name: `A ${s.key}`, pid: apps[i].pid, url: apps[i].url, path: '/floor-a', bodies: aBodies, expect: '"counter":' },
    { name: `B ${s.key}`, pid: apps[i].pid, url: apps[i].url, path: '/floor-b', bodies: bBodies, expect: '"active":true' },
  ]);
  const results = await runTurns(variants);
  const { connections, seconds, turnSeconds } = wrkOptions;
  console.log(`drivers: wrk -t1 -c${connections}, ${seconds} s per variant in ${turnSeconds} s turns (order reversed each round), synchronous_commit=${db.syncCommit}`);
  const ref = setups.findIndex((s) => s.key === 'pg:20');
  const byKey = (stmt) => setups.map((s, i) => ({ s, r: results[2 * i + (stmt === 'A' ? 0 : 1)] }));
  for (const stmt of ['A', 'B']) {
    const rows = byKey(stmt);
    for (const { s, r } of rows) {
      const vs = ref >= 0 && s.key !== 'pg:20' ? rows[ref].r : undefined;
      printResult(`floor ${stmt} over ${label(s)}`, r, vs ? { vs, ratioTo: 'pg:20' } : { baseline: ref >= 0, ratioTo: 'pg:20' });
    }
  }
  const fmt = (n, d) => (n === undefined || !Number.isFinite(n) ? '' : n.toFixed(d));
  const cells = (r, refR) => [fmt(r.rps, 0), fmt(r.p99, 2), fmt(r.cpuUsPerCall, 0), fmt(r.dbCpuUsPerCall, 0), refR ? `${(r.rps / refR.rps).toFixed(2)}×` : '', r.errors];
  const [A, B] = [byKey('A'), byKey('B')];
  console.log(`\n${textTable(
    ['driver set-up', 'A calls/s', 'A p99 ms', 'A node µs/call', 'A PostgreSQL µs/call', 'A vs pg:20', 'A errors', 'B calls/s', 'B p99 ms', 'B node µs/call', 'B PostgreSQL µs/call', 'B vs pg:20', 'B errors'],
    setups.map((s, i) => [label(s), ...cells(A[i].r, A[ref]?.r), ...cells(B[i].r, B[ref]?.r)]),
  )}`);
  // the winner: best geometric mean of A and B calls/s; and every set-up within 5 % of it
  const score = setups.map((s, i) => ({ s, g: Math.sqrt(A[i].r.rps * B[i].r.rps), errors: A[i].r.errors + B[i].r.errors }));
  const ranked = score.filter((x) => x.errors === 0).sort((x, y) => y.g - x.g);
  if (ranked.length > 0) {
    const [best] = ranked;
    console.log(`\nfastest (geometric mean of A and B calls/s, error-free): ${label(best.s)}, ${best.g.toFixed(0)} calls/s`);
    for (const x of ranked.slice(1)) console.log(`  ${label(x.s).padEnd(48)} ${(100 * (x.g / best.g - 1)).toFixed(1).padStart(6)} %${x.g >= 0.95 * best.g ? '  (within 5 %)' : ''}`);
  }
  // CPU per call (node + PostgreSQL, from /proc) moves less than calls/s when others load the machine
  const cpu = setups.map((s, i) => ({ s, us: [A[i].r, B[i].r].reduce((sum, r) => sum + (r.cpuUsPerCall ?? NaN) + (r.dbCpuUsPerCall ?? NaN), 0) / 2 }))
    .filter((x) => Number.isFinite(x.us)).sort((x, y) => x.us - y.us);
  if (cpu.length > 0) {
    console.log(`\ncheapest (node + PostgreSQL CPU per call, mean of A and B): ${label(cpu[0].s)}, ${cpu[0].us.toFixed(0)} µs`);
    for (const x of cpu.slice(1)) console.log(`  ${label(x.s).padEnd(48)} ${x.us.toFixed(0).padStart(6)} µs  (+${(100 * (x.us / cpu[0].us - 1)).toFixed(0)} %)`);
  }
} finally {
  for (const stop of stops.reverse()) await stop();
}

/** 1024 HOTP token rows for A, 256 user tokens (hashed under `pepper`) for B. */
async function fixtures(url, pepperHex) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query(`
      INSERT INTO tokens (product_id, serial, seed_sealed, algorithm, digits, period)
      SELECT p.id, 'DRV-' || i, '\\x00'::bytea, p.algorithm, p.digits, p.period
      FROM products p, generate_series(0, $1 - 1) i WHERE p.manufacturer_code = 'OATH' AND p.product_code = 'HOTP' RETURNING id`, [ROWS]);
    const { rows: [{ id: domainId }] } = await pool.query(`INSERT INTO domains (name, name_key) VALUES ('drivers', 'drivers') RETURNING id`);
    const { rows: [{ id: userId }] } = await pool.query(`INSERT INTO users (domain_id, login_name, login_name_key) VALUES ($1, 'drivers', 'drivers') RETURNING id`, [domainId]);
    const pepper = Buffer.from(pepperHex, 'hex');
    const tokens = Array.from({ length: TOKENS }, () => `tgu_${randomBytes(32).toString('base64url')}`);
    await pool.query(`INSERT INTO user_tokens (token_hash, user_id, domain_id, expiry_type) SELECT h, $2, $3, 'Infinite' FROM unnest($1::bytea[]) AS h`,
      [tokens.map((t) => createHmac('sha256', pepper).update(t, 'utf8').digest()), userId, domainId]);
    return { tokenIds: rows.map((r) => r.id), tokens };
  } finally {
    await pool.end();
  }
}
