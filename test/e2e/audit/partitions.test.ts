import { AuditWriter } from '../../../src/services/audit/audit-writer';
import { listAuditPartitions, maintainAuditPartitions, partitionName } from '../../../src/services/audit/audit-partitions';
import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const today = dayOf(Date.now());
const plusDays = (n: number) => dayOf(Date.parse(`${today}T00:00:00Z`) + n * DAY);
const at = (day: string, hhmm: string) => `${day}T${hhmm}:00.000Z`;

/** Which partition holds each audit row of `method`: tableoid says where PostgreSQL put it. */
async function homes(method: string): Promise<Record<string, number>> {
  const rows = await s.db.query(`SELECT tableoid::regclass::text AS home, count(*)::int AS n FROM audit_log WHERE method = $1 GROUP BY 1`, [method]);
  return Object.fromEntries(rows.map((r: { home: string; n: number }) => [r.home, r.n]));
}

describe('audit log partitions', () => {
  it('when rows span several days then /audit/search by method and time range finds them across partitions, newest first', async () => {
    const method = '/bench/probe';
    await s.db.query(`INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms) VALUES
      ($1, 'apikey:a', $4, 't1', 'ok', NULL, 1), ($2, 'apikey:a', $4, 't2', 'error', 'TOKEN_NOT_FOUND', 2),
      ($3, 'apikey:b', $4, 't3', 'ok', NULL, 3), ($3, 'apikey:b', '/other/method', 'x', 'ok', NULL, 4)`,
    [at(plusDays(-2), '10:00'), at(plusDays(-1), '10:00'), at(today, '00:30'), method]);
    await maintainAuditPartitions(s.db, { retentionDays: 90 }); // the two past days wait in the default partition until now
    expect(await homes(method)).toEqual({ [partitionName(plusDays(-2))]: 1, [partitionName(plusDays(-1))]: 1, [partitionName(today)]: 1 });

    const page = await s.call('/audit/search', {
      match: [['method', '=', method], ['time', '>=', at(plusDays(-2), '12:00')], ['time', '<', at(today, '12:00')]],
    });
    expect(page).toEqual({
      total: 2,
      rows: [
        { time: at(today, '00:30'), caller: 'apikey:b', method, target: 't3', outcome: 'ok', errorName: null, durationMs: 3 },
        { time: at(plusDays(-1), '10:00'), caller: 'apikey:a', method, target: 't2', outcome: 'error', errorName: 'TOKEN_NOT_FOUND', durationMs: 2 },
      ],
    });
    const errors = await s.call('/audit/search', { match: [['outcome', '=', 'error'], ['caller', '=', 'apikey:a']] });
    expect(errors.rows.map((r: { target: string }) => r.target)).toEqual(['t2']);
  });

  it('when a row falls on a day without a partition then the insert still succeeds, and maintenance moves it into its day', async () => {
    const writer = new AuditWriter(s.db);
    const far = '2100-01-01T08:00:00.000Z';
    await writer.write({ time: new Date(far), caller: null, method: '/far/future', target: undefined, outcome: 'ok', errorName: undefined, durationMs: 1 });
    expect(await homes('/far/future')).toEqual({ audit_log_default: 1 });

    const report = await maintainAuditPartitions(s.db, { retentionDays: 90 });
    expect(report.created).toContain('audit_log_p21000101');
    expect(await homes('/far/future')).toEqual({ audit_log_p21000101: 1 });
    expect(await s.db.query('SELECT count(*)::int AS n FROM audit_log_default')).toEqual([{ n: 0 }]);
  });

  it('when maintenance runs then today and the next 3 days have partitions, and running it again changes nothing', async () => {
    await maintainAuditPartitions(s.db, { retentionDays: 90 });
    const names = await listAuditPartitions(s.db);
    for (const n of [0, 1, 2, 3]) expect(names).toContain(partitionName(plusDays(n)));
    expect(await maintainAuditPartitions(s.db, { retentionDays: 90 })).toEqual({ created: [], dropped: [], skipped: [] });
  });

  it('when days pass beyond the retention then their whole partitions are dropped, and younger ones stay', async () => {
    await s.call('/domain/search', {}); // a real call's audit row, today
    expect((await s.call('/audit/search', { match: [['method', '=', '/domain/search']] })).total).toBeGreaterThan(0);
    const before = await listAuditPartitions(s.db);

    // Ninety-two days later, with a 90-day retention: every day before today + 2 has expired.
    const later = new Date(Date.parse(`${today}T06:00:00Z`) + 92 * DAY);
    const report = await maintainAuditPartitions(s.db, { retentionDays: 90 }, later);

    const expired = before.filter((name) => name < partitionName(plusDays(2)));
    expect(expired).toEqual(expect.arrayContaining([partitionName(plusDays(-2)), partitionName(plusDays(-1)), partitionName(today), partitionName(plusDays(1))]));
    expect(report.dropped.sort()).toEqual(expired);
    expect(report.skipped).toEqual([]);
    const after = await listAuditPartitions(s.db);
    expect(after.filter((name) => expired.includes(name))).toEqual([]);
    expect(after).toEqual(expect.arrayContaining([partitionName(plusDays(2)), partitionName(plusDays(3)), 'audit_log_p21000101', partitionName(dayOf(later.getTime()))]));
    // Dropped, not deleted from: the tables are gone, and so are their rows.
    const tables = await s.db.query('SELECT to_regclass($1) AS t', [partitionName(today)]);
    expect(tables).toEqual([{ t: null }]);
    expect((await s.call('/audit/search', { match: [['method', '=', '/domain/search']] })).total).toBe(0);
    expect(await homes('/far/future')).toEqual({ audit_log_p21000101: 1 });
  });
});
