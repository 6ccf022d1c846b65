import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, Server as NetServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, repoRoot, sleep } from '../faults/fault-support';

export { freshDatabase } from '../faults/fault-support';

export interface ServerProcess { url: string; child: ChildProcess; stop(): Promise<void> }

/**
 * `node dist/src/cli/main.js serve` on `databaseUrl`, resolved once it listens. Processes
 * of one test share the master key (so the same pepper) and the first admin key.
 */
export async function spawnServer(databaseUrl: string, shared: { masterKey: string; adminKey: string }, env: Record<string, string> = {}): Promise<ServerProcess> {
  const main = ensureBuilt();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tokengate-procs-'));
  const child = spawn(process.execPath, [main, 'serve'], {
    cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', TOKENGATE_DATA_DIR: dataDir,
      TOKENGATE_ADMIN_KEY: shared.adminKey, TOKENGATE_MASTER_KEY: shared.masterKey, LOG_LEVEL: 'warn', ...env,
    },
  });
  let output = '';
  child.stdout!.on('data', (c) => { output += c; });
  child.stderr!.on('data', (c) => { output += c; });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited; }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!output.includes('listening on')) {
    if (child.exitCode !== null || Date.now() > deadline) { await stop(); throw new Error(`the server did not start:\n${output}`); }
    await sleep(50);
  }
  return { url: `http://127.0.0.1:${port}`, child, stop };
}

/**
 * A TCP relay to PostgreSQL the test can cut: cut() drops every relayed connection and
 * refuses new ones until restore(), as a network failure between one process and the
 * database; hold() keeps what PostgreSQL sends until release(), as a slow network.
 */
export async function startCuttableRelay(targetUrl: string) {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  const held: [Socket, Buffer][] = [];
  let open = true;
  let holding = false;
  const server: NetServer = createServer((inbound) => {
    if (!open) return void inbound.destroy();
    const outbound = connect(Number(target.port), target.hostname);
    inbound.on('data', (chunk) => outbound.write(chunk));
    outbound.on('data', (chunk) => { if (holding) held.push([inbound, chunk]); else inbound.write(chunk); });
    for (const [a, b] of [[inbound, outbound], [outbound, inbound]]) {
      sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => { sockets.delete(a); b.destroy(); });
    }
  });
  const port = await new Promise<number>((res) => server.listen(0, '127.0.0.1', () => res((server.address() as { port: number }).port)));
  return {
    url: Object.assign(new URL(targetUrl), { host: `127.0.0.1:${port}` }).toString(),
    cut() { open = false; for (const s of sockets) s.destroy(); },
    restore() { open = true; },
    hold() { holding = true; },
    release() { holding = false; for (const [socket, chunk] of held.splice(0)) socket.write(chunk); },
    close: () => new Promise<void>((res) => { for (const s of sockets) s.destroy(); server.close(() => res()); }),
  };
}

/** The credential cache's counters and gauges from a process's /metrics. */
export async function cacheMetrics(baseUrl: string) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return {
    hits: value('tokengate_credential_cache_lookups_total{outcome="hit"}'),
    misses: value('tokengate_credential_cache_lookups_total{outcome="miss"}'),
    bypasses: value('tokengate_credential_cache_lookups_total{outcome="bypass"}'),
    trusted: value('tokengate_credential_cache_trusted'),
  };
}
