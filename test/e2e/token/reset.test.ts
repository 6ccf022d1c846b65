import { startTestServer, TestServer } from '../../support/server';
import { importCsv, tokenRow } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/token/reset', () => {
  it('when an HOTP token is reset then the counter is set (default 0) and the fail count and lock are cleared', async () => {
    await importCsv(s, [`RS-1,${'aa'.repeat(20)},HOTP,6,42`]);
    await s.db.query(`UPDATE tokens SET fail_count = 10, locked = true WHERE serial = 'RS-1'`);
    const reply = await s.call('/token/reset', { token: { serial: 'RS-1' } });
    expect(reply).toEqual({ id: expect.any(String), serial: 'RS-1', counter: 0, drift: 0, failCount: 0, locked: false });
    expect(await tokenRow(s, 'RS-1')).toMatchObject({ counter: 0, failCount: 0, locked: false });
    expect(await s.call('/token/reset', { token: { serial: 'RS-1' }, attrs: { counter: 7 } })).toMatchObject({ counter: 7 });
  });

  it('when a TOTP token is reset then drift goes to 0 but the last used step is kept', async () => {
    await importCsv(s, [`RS-2,${'aa'.repeat(20)},TOTP,6,30`]);
    await s.db.query(`UPDATE tokens SET drift = 5, last_step = 1234, fail_count = 3 WHERE serial = 'RS-2'`);
    expect(await s.call('/token/reset', { token: { serial: 'RS-2' }, attrs: { counter: 9 } })).toMatchObject({ counter: 0, drift: 0, failCount: 0 });
    expect(await tokenRow(s, 'RS-2')).toMatchObject({ drift: 0, lastStep: 1234, failCount: 0 });
  });

  it.each([
    ['an unknown token', { token: { serial: 'nope' } }, 'TOKEN_NOT_FOUND'],
    ['a negative counter', { token: { serial: 'RS-1' }, attrs: { counter: -1 } }, 'INVALID_PARAMS'],
    ['no token', {}, 'INVALID_PARAMS'],
  ])('when given %s then %s', async (_what, params, name) => {
    expect((await s.rpc('/token/reset', params)).error?.data.name).toBe(name);
  });
});
