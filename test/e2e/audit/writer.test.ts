import { AuditWriter } from '../../../src/services/audit/audit-writer';
import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const stored = (method: string) => s.db.query(
  `SELECT time, caller, method, target, outcome, error_name, duration_ms, details, details IS NULL AS no_details
     FROM audit_log WHERE method LIKE $1 ORDER BY target`, [`${method}%`]);

describe('the audit writer', () => {
  it('when entries are written then each column holds what the entry said, and no details is SQL NULL', async () => {
    const writer = new AuditWriter(s.db);
    const time = new Date('2026-12-07T03:04:05.678Z');
    await Promise.all([
      writer.write({ time, caller: { kind: 'apikey', id: 'k1', name: 'n', scopes: [], identity: null }, method: '/probe/columns', target: 'a', outcome: 'ok', errorName: undefined, durationMs: 1.25 }),
      writer.write({ time, caller: 'radius:nas-1', method: '/probe/columns', target: 'b', outcome: 'error', errorName: 'AUTH_FAILED', durationMs: 0.5, details: { nas: 'ap-1', 'é': 'ü "quoted" \\ back' } }),
      writer.write({ time, caller: null, method: '/probe/columns', target: undefined, outcome: 'ok', errorName: undefined, durationMs: 3 }),
    ]);
    expect(await stored('/probe/columns')).toEqual([
      { time, caller: 'apikey:k1', method: '/probe/columns', target: 'a', outcome: 'ok', error_name: null, duration_ms: 1.25, details: null, no_details: true },
      { time, caller: 'radius:nas-1', method: '/probe/columns', target: 'b', outcome: 'error', error_name: 'AUTH_FAILED', duration_ms: 0.5, details: { nas: 'ap-1', 'é': 'ü "quoted" \\ back' }, no_details: false },
      { time, caller: null, method: '/probe/columns', target: null, outcome: 'ok', error_name: null, duration_ms: 3, details: null, no_details: true },
    ]);
  });

  it('when a text holds a NUL or a lone surrogate then it is stored with U+FFFD in its place, and the entries beside it are written too', async () => {
    const writer = new AuditWriter(s.db);
    const time = new Date();
    const entry = (target: string, details?: Record<string, string>) =>
      writer.write({ time, caller: 'radius:x', method: '/probe/hostile\u0000', target, outcome: 'error', errorName: 'INVALID_PARAMS', durationMs: 1, details });
    await Promise.all([entry('1 nul\u0000here'), entry('2 lone\ud800'), entry('3 cut 😀'.slice(0, -1)), entry('4 plain', { 'nas\u0000': 'id\udc00' })]);
    const rows = await stored('/probe/hostile');
    expect(rows.map((r: { method: string; target: string; details: unknown }) => [r.method, r.target, r.details])).toEqual([
      ['/probe/hostile\uFFFD', '1 nul\uFFFDhere', null],
      ['/probe/hostile\uFFFD', '2 lone\uFFFD', null],
      ['/probe/hostile\uFFFD', '3 cut \uFFFD', null],
      ['/probe/hostile\uFFFD', '4 plain', { 'nas\uFFFD': 'id\uFFFD' }],
    ]);
  });

  it('when a text is longer than 200 characters then 200 are kept (a method\'s own auditTarget from client params included)', async () => {
    const loginName = 'x'.repeat(5_000);
    await s.rpc('/auth/verify', { user: { domain: { name: 'nowhere' }, loginName }, credential: { otp: '123456' } });
    const [row] = await s.db.query(`SELECT count(*)::int AS rows, max(length(target)) AS longest FROM audit_log WHERE method = '/auth/verify'`);
    expect(row).toEqual({ rows: 1, longest: 200 });
  });
});

