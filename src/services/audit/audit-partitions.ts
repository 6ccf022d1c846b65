import type { Database, Db } from '../../db';

/**
 * The audit log is partitioned by UTC day (migration 1764130000009): audit_log_pYYYYMMDD
 * holds [day, day + 1), audit_log_default catches anything else so an insert never fails.
 * Maintenance, at start-up and hourly, in three steps:
 *  1. the days ahead (and any day that has rows in the default partition) get their
 *     partition, created detached and then attached, so writers never wait on it;
 *  2. rows waiting in the default partition move into their day's partition;
 *  3. partitions whose whole day is older than the retention are dropped: expiry costs
 *     one DROP TABLE per day, never a DELETE fighting the hot path for I/O.
 * Each partition is its own short transaction under an advisory lock, so several server
 * processes can run it at once; a lock wait longer than LOCK_TIMEOUT gives up and the next
 * run tries again (a DROP needs an exclusive lock on audit_log, and queued audit writes
 * would wait behind it).
 */
export interface AuditPartitionPolicy {
  /** Days of audit log kept; older whole days are dropped. */
  retentionDays: number;
  /** Partitions made ahead of today (default 3): a stalled job leaves days of slack. */
  daysAhead?: number;
}

export interface AuditPartitionReport { created: string[]; dropped: string[]; skipped: string[] }

const PARTITION = /^audit_log_p(\d{4})(\d{2})(\d{2})$/;
const MAINTENANCE_LOCK = 7414282;
const LOCK_TIMEOUT = '2s';
const DROP_LOCK_TIMEOUT = '200ms';
const LOCK_NOT_AVAILABLE = '55P03';

export async function maintainAuditPartitions(ds: Database, policy: AuditPartitionPolicy, now = new Date()): Promise<AuditPartitionReport> {
  const report: AuditPartitionReport = { created: [], dropped: [], skipped: [] };
  const today = utcDay(now);
  const existing = new Set(await listAuditPartitions(ds));
  const wanted = new Set<string>();
  for (let ahead = 0; ahead <= (policy.daysAhead ?? 3); ahead++) wanted.add(addDays(today, ahead));
  for (const { day } of await ds.rows<{ day: string }>(`SELECT DISTINCT to_char((time AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS day FROM audit_log_default`)) wanted.add(day);

  for (const day of [...wanted].sort()) {
    if (existing.has(partitionName(day))) continue;
    await tryLocked(ds, LOCK_TIMEOUT, report, partitionName(day), async (tx) => {
      if (await createPartition(tx, day)) report.created.push(partitionName(day));
    });
  }
  const oldestKept = addDays(today, -policy.retentionDays);
  for (const name of await listAuditPartitions(ds)) {
    if (dayOfPartition(name) >= oldestKept) continue;
    await tryLocked(ds, DROP_LOCK_TIMEOUT, report, name, async (tx) => {
      const [{ exists }] = await tx.rows('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
      if (!exists) return; // another process dropped it while we waited
      await tx.rows(`DROP TABLE ${name}`);
      report.dropped.push(name);
    });
  }
  return report;
}

/** The day partitions, oldest first (not the default one). */
export async function listAuditPartitions(db: Db): Promise<string[]> {
  const rows = await db.rows<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass('audit_log') ORDER BY c.relname`);
  return rows.map((r) => r.name).filter((name) => PARTITION.test(name));
}

/**
 * A day's partition, made as a plain table and then attached: ATTACH takes only a
 * SHARE UPDATE EXCLUSIVE lock on audit_log (writers and searches go on), and the CHECK
 * constraint spares it a validation scan. Rows of that day waiting in the default
 * partition move in first; the default stays locked until commit so none can slip in.
 */
async function createPartition(tx: Db, day: string): Promise<boolean> {
  const name = partitionName(day);
  const [{ exists }] = await tx.rows('SELECT to_regclass($1) IS NOT NULL AS exists', [name]);
  if (exists) return false; // another process made it while we waited for the lock
  const [from, to] = [`${day} 00:00:00+00`, `${addDays(day, 1)} 00:00:00+00`];
  await tx.rows(`CREATE TABLE ${name} (LIKE audit_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await tx.rows(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_day CHECK (time >= '${from}' AND time < '${to}')`);
  await tx.rows('LOCK TABLE audit_log_default IN ACCESS EXCLUSIVE MODE');
  await tx.rows(`INSERT INTO ${name} SELECT * FROM audit_log_default WHERE time >= $1 AND time < $2`, [from, to]);
  await tx.rows('DELETE FROM audit_log_default WHERE time >= $1 AND time < $2', [from, to]);
  await tx.rows(`ALTER TABLE audit_log ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
  return true;
}

async function tryLocked(ds: Database, lockTimeout: string, report: AuditPartitionReport, name: string, work: (tx: Db) => Promise<void>) {
  try {
    await ds.transaction(async (tx) => {
      await tx.rows(`SET LOCAL lock_timeout = '${lockTimeout}'`);
      await tx.rows('SELECT pg_advisory_xact_lock($1)', [MAINTENANCE_LOCK]);
      await work(tx);
    });
  } catch (err) {
    const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
    if (code !== LOCK_NOT_AVAILABLE) throw err;
    report.skipped.push(name); // busy: the next run tries again
  }
}

export function partitionName(day: string): string {
  return `audit_log_p${day.replace(/-/g, '')}`;
}

function dayOfPartition(name: string): string {
  const [, y, m, d] = PARTITION.exec(name)!;
  return `${y}-${m}-${d}`;
}

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}
