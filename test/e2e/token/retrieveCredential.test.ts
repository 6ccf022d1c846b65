import { generateTotp } from '../../../src/domain/otp';
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, RFC4226_CODES, RFC4226_SEED_HEX, tokenRow } from './fixtures';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await importCsv(s, [`RC-H,${RFC4226_SEED_HEX},HOTP,6,2`, `RC-T,${RFC4226_SEED_HEX},TOTP,6,30`]);
});
afterAll(() => s.close());

describe('/token/retrieveCredential', () => {
  it('when an HOTP token is asked for 3 codes then they start at the next counter and nothing is consumed', async () => {
    const key = await s.keyWith(['token:credential']);
    expect((await s.rpc('/token/retrieveCredential', { token: { serial: 'RC-H' }, count: 3 }, key)).result).toEqual({ otps: RFC4226_CODES.slice(2, 5) });
    expect(await s.call('/token/retrieveCredential', { token: { serial: 'RC-H' } })).toEqual({ otps: [RFC4226_CODES[2]] });
    expect(await tokenRow(s, 'RC-H')).toMatchObject({ counter: 2 });
  });

  it('when a TOTP token is asked then the current code comes back, once, whatever count says', async () => {
    const before = generateTotp(Buffer.from(RFC4226_SEED_HEX, 'hex'), Date.now() / 1000, { algorithm: 'SHA1', digits: 6, period: 30 });
    const { otps } = await s.call('/token/retrieveCredential', { token: { serial: 'RC-T' }, count: 5 });
    const after = generateTotp(Buffer.from(RFC4226_SEED_HEX, 'hex'), Date.now() / 1000, { algorithm: 'SHA1', digits: 6, period: 30 });
    expect(otps).toHaveLength(1);
    expect([before, after]).toContain(otps[0]);
  });

  it('when the key has token:read or token:write only then FORBIDDEN', async () => {
    for (const scope of ['token:read', 'token:write']) {
      const reply = await s.rpc('/token/retrieveCredential', { token: { serial: 'RC-H' } }, await s.keyWith([scope]));
      expect(reply.error?.data.name).toBe('FORBIDDEN');
    }
  });

  it('when the call is made then it is audited without the codes', async () => {
    await s.call('/token/retrieveCredential', { token: { serial: 'RC-H' } });
    const rows = await s.db.query(`SELECT target, outcome FROM audit_log WHERE method = '/token/retrieveCredential' AND outcome = 'ok'`);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows[0].target).toBe('RC-H');
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain(RFC4226_CODES[2]);
  });

  it.each([
    ['count 0', { token: { serial: 'RC-H' }, count: 0 }, 'INVALID_PARAMS'],
    ['count 12', { token: { serial: 'RC-H' }, count: 12 }, 'INVALID_PARAMS'],
    ['an unknown token', { token: { serial: 'nope' } }, 'TOKEN_NOT_FOUND'],
  ])('when given %s then %s', async (_what, params, name) => {
    expect((await s.rpc('/token/retrieveCredential', params)).error?.data.name).toBe(name);
  });
});
