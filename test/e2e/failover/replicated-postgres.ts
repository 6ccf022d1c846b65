import { spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { ensureBuilt, freePort, repoRoot, sleep } from '../faults/fault-support';

/**
 * A primary and a streaming standby made with the embedded PostgreSQL's own programs
 * (initdb, pg_ctl, postgres: it ships no pg_basebackup). One initdb'd directory, cleanly
 * shut down by initdb itself, is copied twice: the copies share the system identifier, so
 * the second starts as a standby (standby.signal, primary_conninfo) and streams from the
 * first. Synchronous: the primary names the standby in synchronous_standby_names, and a
 * commit returns once the standby has the WAL; the standby's own copy does not name
 * anyone, so once promoted it commits alone. As root everything runs as user postgres.
 */
export interface ReplicatedPostgres {
  primaryPort: number;
  standbyPort: number;
  /** libpq's multi-host form, the primary first. */
  multiHostUrl: string;
  /** One host only (for the test's own checks). */
  urlOf(port: number): string;
  /** `pg_ctl stop -m immediate`: the postmaster and every backend die at once, nothing is flushed or said. */
  crashPrimary(): void;
  /** `pg_ctl promote -w`: returns once the standby accepts writes. */
  promoteStandby(): void;
  /** Both stopped, the directories removed. */
  remove(): void;
}

const DATABASE = 'tokengate';
const STANDBY_NAME = 'tokengate_standby';

interface Programs { initdb: string; postgres: string; runAs?: { uid: number; gid: number } }

/** The embedded programs as the server finds them (as root: a copy user postgres can reach), through the build. */
function findPrograms(): Programs & { pgCtl: string } {
  const built = join(dirname(ensureBuilt()), '..', 'db', 'embedded-binaries.js');
  const script = `require(${JSON.stringify(built)}).findPostgresPrograms(() => {}).then((p) => console.log(JSON.stringify(p)))`;
  const found = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`could not find the embedded PostgreSQL programs: ${found.stderr}`);
  const programs = JSON.parse(found.stdout) as Programs;
  return { ...programs, pgCtl: join(dirname(programs.initdb), 'pg_ctl') };
}

/** Runs a program (as user postgres when root); its last line of output in the error. */
function runner(programs: Programs, cwd: string) {
  return (program: string, args: string[]) => {
    const r = spawnSync(program, args, { ...programs.runAs, encoding: 'utf8', cwd });
    if (r.status !== 0) throw new Error(`${program.split('/').pop()} ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  };
}

export interface ClusterTemplate { programs: Programs & { pgCtl: string }; dir: string; remove(): void }

/**
 * initdb once per test file, configured for streaming replication and never started: a
 * cleanly shut down cluster that each scenario copies into its primary and its standby.
 */
export function createClusterTemplate(): ClusterTemplate {
  const programs = findPrograms();
  const base = mkdtempSync(join(tmpdir(), 'tokengate-failover-template-'));
  if (programs.runAs) chownSync(base, programs.runAs.uid, programs.runAs.gid);
  const dir = join(base, 'cluster');
  // trust on loopback: the test's own throwaway cluster; initdb's pg_hba has the replication lines already, said again here
  runner(programs, base)(programs.initdb, [`--pgdata=${dir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync']);
  appendFileSync(join(dir, 'pg_hba.conf'), '\nhost replication postgres 127.0.0.1/32 trust\n');
  appendFileSync(join(dir, 'postgresql.conf'), [
    '', "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", 'wal_level = replica',
    'hot_standby = on', 'wal_keep_size = 256MB', 'fsync = off', 'full_page_writes = off', '',
  ].join('\n'));
  return { programs, dir, remove: () => rmSync(base, { recursive: true, force: true }) };
}

export async function startReplicatedPostgres(template: ClusterTemplate, o: { synchronous: boolean }): Promise<ReplicatedPostgres> {
  const { programs } = template;
  const base = mkdtempSync(join(tmpdir(), 'tokengate-failover-'));
  if (programs.runAs) chownSync(base, programs.runAs.uid, programs.runAs.gid);
  const run = runner(programs, base);
  const primary = join(base, 'primary');
  const standby = join(base, 'standby');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];
  const pgCtl = (dir: string, ...args: string[]) => run(programs.pgCtl, ['-D', dir, ...args]);
  const stopQuietly = (dir: string) => spawnSync(programs.pgCtl, ['-D', dir, '-m', 'immediate', 'stop'], { ...programs.runAs, stdio: 'ignore' });

  try {
    // as user postgres: the copies keep their owner and modes
    run('cp', ['-a', template.dir, primary]);
    run('cp', ['-a', template.dir, standby]);
    appendFileSync(join(primary, 'postgresql.conf'), `port = ${primaryPort}\n${o.synchronous ? `synchronous_standby_names = '${STANDBY_NAME}'\n` : ''}`);
    appendFileSync(join(standby, 'postgresql.conf'), `port = ${standbyPort}\nprimary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres application_name=${STANDBY_NAME}'\n`);
    writeFileSync(join(standby, 'standby.signal'), '');
    if (programs.runAs) chownSync(join(standby, 'standby.signal'), programs.runAs.uid, programs.runAs.gid);
    for (const [dir, log] of [[primary, 'primary.log'], [standby, 'standby.log']]) {
      try {
        pgCtl(dir, '-w', '-l', join(base, log), 'start');
      } catch (err) {
        throw new Error(`${(err as Error).message}\n${readFileSync(join(base, log), 'utf8').slice(-800)}`, { cause: err });
      }
    }

    const urlOf = (port: number) => `postgres://postgres@127.0.0.1:${port}/${DATABASE}`;
    const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${primaryPort}/postgres` });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${DATABASE}`);
      // streaming, and (when asked) the standby is the synchronous one: commits wait for it from now on
      for (let i = 0; ; i++) {
        const { rows } = await admin.query(`SELECT sync_state FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'`, [STANDBY_NAME]);
        if (rows[0]?.sync_state === (o.synchronous ? 'sync' : 'async')) break;
        if (i > 200) throw new Error(`the standby did not start streaming: ${readFileSync(join(base, 'standby.log'), 'utf8').slice(-500)}`);
        await sleep(50);
      }
    } finally {
      await admin.end();
    }
    return {
      primaryPort, standbyPort, urlOf,
      multiHostUrl: `postgres://postgres@127.0.0.1:${primaryPort},127.0.0.1:${standbyPort}/${DATABASE}?target_session_attrs=read-write`,
      crashPrimary: () => pgCtl(primary, '-m', 'immediate', 'stop'),
      promoteStandby: () => pgCtl(standby, '-w', 'promote'),
      remove: () => {
        stopQuietly(standby);
        stopQuietly(primary);
        rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (err) {
    stopQuietly(standby);
    stopQuietly(primary);
    rmSync(base, { recursive: true, force: true });
    throw err;
  }
}
