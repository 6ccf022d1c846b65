import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, RFC4226_SEED_HEX } from '../token/fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/audit/search', () => {
  it('when a token call names the token by serial then the audit target is that serial, and no secret is recorded', async () => {
    const serial = `AUD${Date.now()}`;
    await importCsv(s, [`${serial}, ${RFC4226_SEED_HEX}, HOTP, 6, 0`]);
    const user = await makeUser(s);
    await s.call('/token/assign', { token: { serial }, user: { id: user.id }, pin: 'Pin-4711' });
    await s.call('/token/reset', { token: { serial } });

    const { total, rows } = await s.call('/audit/search', { match: [['target', '=', serial]], orderBy: 'time' });
    expect(total).toBe(2);
    expect(rows.map((r: any) => [r.method, r.outcome, r.errorName])).toEqual([
      ['/token/assign', 'ok', null],
      ['/token/reset', 'ok', null],
    ]);
    const everything = JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    expect(everything).not.toContain('Pin-4711');
    expect(everything).not.toContain(RFC4226_SEED_HEX);
  });

  it('when filtered by outcome and method with paging then total counts every match and rows come newest first', async () => {
    for (let i = 0; i < 3; i++) await s.rest('/token/reset', { token: { serial: `missing-${i}` } });
    const page = await s.call('/audit/search', { match: [['method', '=', '/token/reset'], ['outcome', '=', 'error']], limit: 2 });
    expect(page.total).toBe(3);
    expect(page.rows).toHaveLength(2);
    expect(page.rows[0]).toEqual({
      time: expect.any(String), caller: expect.stringMatching(/^apikey:/), method: '/token/reset',
      target: 'missing-2', outcome: 'error', errorName: 'TOKEN_NOT_FOUND', durationMs: expect.any(Number),
    });
    expect(Date.parse(page.rows[0].time)).toBeGreaterThanOrEqual(Date.parse(page.rows[1].time));
  });

  it('when the key lacks audit:read then FORBIDDEN, and that refusal is itself recorded', async () => {
    const key = await s.keyWith(['token:read']);
    const { status, body } = await s.rest('/audit/search', {}, { key });
    expect([status, body.name]).toEqual([403, 'FORBIDDEN']);
    const { rows } = await s.call('/audit/search', { match: [['method', '=', '/audit/search'], ['errorName', '=', 'FORBIDDEN']] });
    expect(rows).toHaveLength(1);
  });
});
