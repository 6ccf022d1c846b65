import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrations } from '../../../migrations';
import { Ops1764130000009 } from '../../../migrations/1764130000009-ops';
import { openTestDb, openTestDbMigratedThrough, type TestDb } from '../../support/test-db';
import { listAuditPartitions } from '../../../src/services/audit/audit-partitions';

/** Migration 1764130000009 on a database whose audit log was written before it. */
const serverUrl = process.env.TOKENGATE_TEST_PG_URL!;
const dbName = `tg_test_migration_${randomBytes(6).toString('hex')}`;
const url = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
const admin = async (statement: string) => {
  const c = new Client({ connectionString: serverUrl });
  await c.connect();
  try { await c.query(statement); } finally { await c.end(); }
};
let migrated: TestDb | undefined;
beforeAll(() => admin(`CREATE DATABASE ${dbName}`));
afterAll(async () => {
  await migrated?.close();
  await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
});

const ROWS = `SELECT id::text, time, caller, method, target, outcome, error_name, duration_ms FROM audit_log ORDER BY id`;

describe('migration 1764130000009 (audit log partitioned by day)', () => {
  it('when the log was written before the migration then every row is there after it, in its day\'s partition, and ids carry on', async () => {
    const before = await openTestDbMigratedThrough(url, migrations.slice(0, migrations.indexOf(Ops1764130000009)));
    // 3,000 rows over 3 days (one of them 200 days ago), with NULLs where the log allows them.
    await before.query(`
      INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms)
      SELECT now() - (i % 3) * interval '1 day' - CASE WHEN i % 3 = 2 THEN interval '198 days' ELSE interval '0' END,
             CASE WHEN i % 7 = 0 THEN NULL ELSE 'apikey:' || (i % 5) END, '/m/' || (i % 4),
             CASE WHEN i % 2 = 0 THEN 'target-' || i END,
             CASE WHEN i % 10 = 0 THEN 'error' ELSE 'ok' END, CASE WHEN i % 10 = 0 THEN 'TOKEN_NOT_FOUND' END, i / 7.0
        FROM generate_series(1, 3000) AS i`);
    const rowsBefore = await before.query(ROWS);
    const days = (await before.query(`SELECT DISTINCT to_char((time AT TIME ZONE 'UTC')::date, 'YYYYMMDD') AS d FROM audit_log`)).map((r: { d: string }) => `audit_log_p${r.d}`);
    const [{ maxId }] = await before.query('SELECT max(id)::text AS "maxId" FROM audit_log');
    await before.close();
    expect(rowsBefore).toHaveLength(3000);

    migrated = await openTestDb(url, { poolSize: 2 }); // runs the rest, as a server starting up does
    expect(await migrated.query(ROWS)).toEqual(rowsBefore);
    expect(await migrated.query(`SELECT relkind FROM pg_class WHERE relname = 'audit_log'`)).toEqual([{ relkind: 'p' }]);
    expect(await listAuditPartitions(migrated)).toEqual(expect.arrayContaining(days));
    expect(await migrated.query(`SELECT count(*)::int AS n FROM audit_log
      WHERE tableoid::regclass::text <> 'audit_log_p' || to_char((time AT TIME ZONE 'UTC')::date, 'YYYYMMDD')`)).toEqual([{ n: 0 }]);
    const [{ id }] = await migrated.query(`INSERT INTO audit_log (time, method, outcome, duration_ms) VALUES (now(), '/after', 'ok', 1) RETURNING id::text`);
    expect(BigInt(id)).toBeGreaterThan(BigInt(maxId));
  });
});
