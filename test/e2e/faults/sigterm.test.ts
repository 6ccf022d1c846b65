import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, freshDatabase as freshTestDatabase, repoRoot, sleep } from './fault-support';

jest.setTimeout(60_000);

let main: string;
const cleanups: (() => Promise<unknown> | void)[] = [];
beforeAll(() => { main = ensureBuilt(); }, 240_000);
afterAll(async () => { for (const c of cleanups.reverse()) await c(); });

/** A fresh database on the test PostgreSQL; dropped after the file. */
async function freshDatabase() {
  const db = await freshTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

/** `node dist/src/cli/main.js serve …`, resolved once it prints that it listens. */
async function spawnServer(databaseUrl: string, args: string[] = []) {
  const port = await freePort();
  const adminKey = `tgk_${randomBytes(32).toString('base64url')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'tokengate-fault-data-'));
  const child: ChildProcess = spawn(process.execPath, [main, 'serve', ...args], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', TOKENGATE_DATA_DIR: dataDir,
      TOKENGATE_ADMIN_KEY: adminKey, TOKENGATE_MASTER_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn',
      TOKENGATE_RPC_BATCH_MAX: '300', // the batches below are long on purpose: calls in flight at the signal
    },
  });
  let output = '';
  child.stdout!.on('data', (c) => { output += c; });
  child.stderr!.on('data', (c) => { output += c; });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  cleanups.push(async () => { if (child.exitCode === null) { child.kill('SIGKILL'); await exited; } rmSync(dataDir, { recursive: true, force: true }); });
  const deadline = Date.now() + 30_000;
  while (!output.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the server did not start:\n${output}`);
    await sleep(50);
  }
  return { url: `http://127.0.0.1:${port}`, adminKey, child, exited, output: () => output };
}

type Server = Awaited<ReturnType<typeof spawnServer>>;

async function rpc(server: Server, key: string, body: unknown) {
  const res = await fetch(`${server.url}/rpc`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body),
  });
  return { arrivedAt: Date.now(), status: res.status, body: await res.json() as any };
}

/**
 * `clients` JSON-RPC batches of `size` calls, each batch under its own API key, so the
 * audit log shows when every one of them has started on the server.
 */
async function startLongBatches(server: Server, db: Awaited<ReturnType<typeof freshDatabase>>, clients: number, size: number) {
  const keys = await Promise.all(Array.from({ length: clients }, async (_, i) =>
    (await rpc(server, server.adminKey, { jsonrpc: '2.0', id: 1, method: '/apikey/create', params: { attrs: { name: `client ${i}`, scopes: ['admin'] } } })).body.result));
  const batch = Array.from({ length: size }, (_, i) => ({ jsonrpc: '2.0', id: i, method: '/apikey/search', params: { limit: 1 } }));
  const replies = keys.map((k) => rpc(server, k.key, batch));
  const callers = keys.map((k) => `apikey:${k.id}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [{ started }] = await db.query('SELECT count(DISTINCT caller)::int AS started FROM audit_log WHERE caller = ANY($1)', [callers]);
    if (started === clients) break;
    if (Date.now() > deadline) throw new Error(`only ${started} of ${clients} batches started`);
    await sleep(10);
  }
  return { replies: Promise.all(replies), callers };
}

async function expectAllAnswered(db: Awaited<ReturnType<typeof freshDatabase>>, started: Awaited<ReturnType<typeof startLongBatches>>, size: number, signalledAt: number) {
  const replies = await started.replies;
  for (const reply of replies) {
    expect(reply.arrivedAt).toBeGreaterThan(signalledAt); // it really was in flight at the signal
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(size);
    expect(reply.body.filter((r: any) => r.error)).toEqual([]);
  }
  const [{ audited }] = await db.query('SELECT count(*)::int AS audited FROM audit_log WHERE caller = ANY($1)', [started.callers]);
  expect(audited).toBe(started.callers.length * size);
}

describe('SIGTERM under load', () => {
  it('when one server process gets SIGTERM then in-flight calls finish, new connections are refused, and it exits 0', async () => {
    const db = await freshDatabase();
    const server = await spawnServer(db.url);
    const started = await startLongBatches(server, db, 6, 300);

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    await sleep(100);
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    expect(await server.exited).toBe(0);
    await expectAllAnswered(db, started, 300, signalledAt);
  });

  it('when the primary of `serve --workers 2` gets SIGTERM then every worker drains and all exit 0', async () => {
    const db = await freshDatabase();
    const metricsPort = await freePort();
    const server = await spawnServer(db.url, ['--workers', '2', '--metrics-port', String(metricsPort)]);
    expect(server.output()).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+ \(2 workers\)/);
    const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.child.pid)], { encoding: 'utf8' }).trim().split(/\s+/);
    expect(workers).toHaveLength(2);
    // Migrated once by the primary, which printed nothing about a new admin key (TOKENGATE_ADMIN_KEY was given).
    expect(await db.query('SELECT count(*)::int AS n FROM api_keys')).toEqual([{ n: 1 }]);
    // Calls spread over both workers add up in the primary's metrics.
    await Promise.all(Array.from({ length: 20 }, () => fetch(`${server.url}/rest/apikey/search`, { method: 'POST', headers: { authorization: `Bearer ${server.adminKey}` } }).then((r) => r.text())));
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toContain('tokengate_calls_total{method="/apikey/search",outcome="ok",error=""} 20');
    const started = await startLongBatches(server, db, 6, 300);

    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    await expectAllAnswered(db, started, 300, signalledAt);
    for (const pid of workers) expect(() => process.kill(Number(pid), 0)).toThrow();
    expect(server.output()).toContain('SIGTERM: draining 2 workers');
  });
});
