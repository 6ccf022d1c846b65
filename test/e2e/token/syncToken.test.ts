import { generateHotp, generateTotp } from '../../../src/domain/otp';
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, RFC4226_CODES, RFC4226_SEED_HEX, tokenRow } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const seed = Buffer.from(RFC4226_SEED_HEX, 'hex');
const opts = { algorithm: 'SHA1' as const, digits: 6 };

describe('/token/syncToken', () => {
  it('when two consecutive HOTP codes lie far ahead then the counter moves past them and a verify follows', async () => {
    await importCsv(s, [`SY-H1,${RFC4226_SEED_HEX},HOTP,6,0`]);
    const user = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'SY-H1' }, user: { id: user.id } });
    await s.db.query(`UPDATE tokens SET fail_count = 4 WHERE serial = 'SY-H1'`);
    const credential = `${generateHotp(seed, 500, opts)},${generateHotp(seed, 501, opts)}`;
    expect(await s.call('/token/syncToken', { token: { serial: 'SY-H1' }, user: { id: user.id }, credential })).toEqual({ counter: 502 });
    expect(await tokenRow(s, 'SY-H1')).toMatchObject({ counter: 502, failCount: 0 });
    const verified = await s.call('/auth/verify', { user: { id: user.id }, credential: { otp: generateHotp(seed, 502, opts) } });
    expect(verified).toEqual({ verified: true, serial: 'SY-H1' });
  });

  it('when the HOTP codes are beyond 1000 ahead, not consecutive, or already used then SYNC_FAILED', async () => {
    await importCsv(s, [`SY-H2,${RFC4226_SEED_HEX},HOTP,6,5`]);
    for (const credential of [
      `${generateHotp(seed, 1010, opts)},${generateHotp(seed, 1011, opts)}`,
      `${RFC4226_CODES[6]},${RFC4226_CODES[8]}`,
      `${RFC4226_CODES[3]},${RFC4226_CODES[4]}`,
    ]) {
      const { status, body } = await s.rest('/token/syncToken', { token: { serial: 'SY-H2' }, credential });
      expect(status).toBe(422);
      expect(body.name).toBe('SYNC_FAILED');
    }
    expect(await tokenRow(s, 'SY-H2')).toMatchObject({ counter: 5 });
  });

  it('when the HOTP counter is beyond 2^53 then the pair is found and the next counter kept exactly, up to 2^63 - 1', async () => {
    await importCsv(s, [`SY-H3,${RFC4226_SEED_HEX},HOTP,6,9007199254740982`, `SY-H4,${RFC4226_SEED_HEX},HOTP,6,9223372036854775800`]);
    const pair = (c: bigint) => `${generateHotp(seed, c, opts)},${generateHotp(seed, c + 1n, opts)}`;
    const counterText = async (serial: string) =>
      (await s.db.query(`SELECT counter::text AS counter FROM tokens WHERE serial = $1`, [serial]))[0].counter;
    expect(await s.call('/token/syncToken', { token: { serial: 'SY-H3' }, credential: pair(2n ** 53n - 1n) })).toEqual({ counter: '9007199254740993' });
    expect(await counterText('SY-H3')).toBe('9007199254740993');
    // the next counter must fit the bigint column: a pair ending at 2^63 - 1 cannot be stored past
    expect((await s.rpc('/token/syncToken', { token: { serial: 'SY-H4' }, credential: pair(2n ** 63n - 2n) })).error?.data.name).toBe('SYNC_FAILED');
    expect(await s.call('/token/syncToken', { token: { serial: 'SY-H4' }, credential: pair(2n ** 63n - 3n) })).toEqual({ counter: '9223372036854775807' });
    expect(await counterText('SY-H4')).toBe('9223372036854775807');
  });

  it('when two consecutive TOTP codes come from a clock 2 hours ahead then drift is measured in steps', async () => {
    await importCsv(s, [`SY-T1,${RFC4226_SEED_HEX},TOTP,6,30`]);
    const ahead = Date.now() / 1000 + 7200;
    const credential = `${generateTotp(seed, ahead, { ...opts, period: 30 })},${generateTotp(seed, ahead + 30, { ...opts, period: 30 })}`;
    const { drift } = await s.call('/token/syncToken', { token: { serial: 'SY-T1' }, credential });
    expect(drift).toBeGreaterThanOrEqual(240);
    expect(drift).toBeLessThanOrEqual(242);
    expect(await tokenRow(s, 'SY-T1')).toMatchObject({ drift });
    // the same pair cannot sync again: its steps are used
    expect((await s.rpc('/token/syncToken', { token: { serial: 'SY-T1' }, credential })).error?.data.name).toBe('SYNC_FAILED');
  });

  it('when the TOTP codes are more than 24 h off then SYNC_FAILED', async () => {
    await importCsv(s, [`SY-T2,${RFC4226_SEED_HEX},TOTP,6,30`]);
    const far = Date.now() / 1000 + 25 * 3600;
    const credential = `${generateTotp(seed, far, { ...opts, period: 30 })},${generateTotp(seed, far + 30, { ...opts, period: 30 })}`;
    expect((await s.rpc('/token/syncToken', { token: { serial: 'SY-T2' }, credential })).error?.data.name).toBe('SYNC_FAILED');
  });

  it.each(['123456', '123456,', '12345,123456', 'abcdef,123456', '123456;654321', '1234567,1234567'])(
    'when the credential is "%s" then CREDENTIAL_INVALID', async (credential) => {
      await importCsv(s, [`SY-C1,${RFC4226_SEED_HEX},HOTP,6,0`]); // once: later imports of it fail harmlessly
      const { status, body } = await s.rest('/token/syncToken', { token: { serial: 'SY-C1' }, credential });
      expect(status).toBe(400);
      expect(body.name).toBe('CREDENTIAL_INVALID');
    });

  it('when a user is named who does not hold the token then TOKEN_NOT_FOUND', async () => {
    await importCsv(s, [`SY-U1,${RFC4226_SEED_HEX},HOTP,6,0`]);
    const stranger = await makeUser(s);
    const reply = await s.rpc('/token/syncToken', { token: { serial: 'SY-U1' }, user: { id: stranger.id }, credential: `${RFC4226_CODES[0]},${RFC4226_CODES[1]}` });
    expect(reply.error?.data.name).toBe('TOKEN_NOT_FOUND');
  });
});
