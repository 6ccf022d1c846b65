/** A privacyIDEA/LinOTP-style OATH CSV file imported over HTTP, then used for a login. */
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, RFC4226_CODES, RFC4226_SEED_HEX, tokenRow } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/token/create (import of OATH CSV as privacyIDEA and LinOTP write it)', () => {
  it('when lines carry only serial and key then they are HOTP tokens whose RFC 4226 codes verify', async () => {
    const reply = await importCsv(s, ['# written by privacyIDEA', '', `PI-E2E-1, ${RFC4226_SEED_HEX}`, `PI-E2E-2,${RFC4226_SEED_HEX},totp,8`]);
    expect(reply.result).toEqual({ total: 2, rows: [{ id: expect.any(String), serial: 'PI-E2E-1' }, { id: expect.any(String), serial: 'PI-E2E-2' }] });
    const [hotp, totp] = await s.db.query(
      `SELECT t.serial, p.manufacturer_code || '/' || p.product_code AS product FROM tokens t JOIN products p ON p.id = t.product_id
        WHERE t.serial IN ('PI-E2E-1', 'PI-E2E-2') ORDER BY t.serial`);
    expect([hotp, totp]).toEqual([{ serial: 'PI-E2E-1', product: 'OATH/HOTP' }, { serial: 'PI-E2E-2', product: 'OATH/TOTP' }]);

    const user = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'PI-E2E-1' }, user: { id: user.id } });
    expect((await s.rpc('/auth/verify', { user: { id: user.id }, credential: { otp: RFC4226_CODES[0] } })).result)
      .toEqual({ verified: true, serial: 'PI-E2E-1' });
    expect(await tokenRow(s, 'PI-E2E-1')).toMatchObject({ counter: 1, failCount: 0 });
  });

  it('when one line has seven fields then nothing is imported and the line is named', async () => {
    const reply = await importCsv(s, [`PI-E2E-3,${RFC4226_SEED_HEX}`, `PI-E2E-4,${RFC4226_SEED_HEX},hotp,6,0,sha1,x`]);
    expect(reply.error?.data.name).toBe('IMPORT_FILE_INVALID');
    expect(reply.error?.data.errors).toEqual([{ position: 2, serial: 'PI-E2E-4', message: expect.stringContaining('found 7') }]);
    expect(await s.db.query(`SELECT 1 FROM tokens WHERE serial IN ('PI-E2E-3', 'PI-E2E-4')`)).toEqual([]);
  });
});
