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

  it('when the counter is given as a decimal string then every digit up to 2^63 - 1 is kept', async () => {
    await importCsv(s, [`RS-3,${'aa'.repeat(20)},HOTP,6,0`]);
    const reset = (counter: number | string) => s.call('/token/reset', { token: { serial: 'RS-3' }, attrs: { counter } });
    expect(await reset('9223372036854775807')).toMatchObject({ counter: '9223372036854775807' });
    expect(await s.db.query(`SELECT counter::text AS counter FROM tokens WHERE serial = 'RS-3'`)).toEqual([{ counter: '9223372036854775807' }]);
    expect(await reset('9007199254740993')).toMatchObject({ counter: '9007199254740993' });
    expect(await reset('12')).toMatchObject({ counter: 12 });
    expect(await reset(9007199254740991)).toMatchObject({ counter: 9007199254740991 });
  });

  it('when the counter is 2^63 or more, or a JSON number past 2^53 - 1 (already rounded), then INVALID_PARAMS and nothing changes', async () => {
    await importCsv(s, [`RS-4,${'aa'.repeat(20)},HOTP,6,5`]);
    // eslint-disable-next-line no-loss-of-precision -- a JSON number past 2^53 - 1 arrives already rounded: that is the case
    for (const counter of ['9223372036854775808', '99999999999999999999', 9007199254740993, '1e3', '-1', '']) {
      const reply = await s.rpc('/token/reset', { token: { serial: 'RS-4' }, attrs: { counter } });
      expect(reply.error?.data).toMatchObject({ name: 'INVALID_PARAMS', errors: expect.arrayContaining([expect.objectContaining({ path: '/attrs/counter' })]) });
    }
    expect(await tokenRow(s, 'RS-4')).toMatchObject({ counter: 5 });
  });

  it.each([
    ['an unknown token', { token: { serial: 'nope' } }, 'TOKEN_NOT_FOUND'],
    ['a negative counter', { token: { serial: 'RS-1' }, attrs: { counter: -1 } }, 'INVALID_PARAMS'],
    ['no token', {}, 'INVALID_PARAMS'],
  ])('when given %s then %s', async (_what, params, name) => {
    expect((await s.rpc('/token/reset', params)).error?.data.name).toBe(name);
  });
});
