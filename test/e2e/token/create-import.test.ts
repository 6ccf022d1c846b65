import { createHmac } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unsealSeed } from '../../../src/services/tokens/token-seeds';
import { startTestServer, TestServer } from '../../support/server';
import { makeUser, PSKC_DIR, pskcFile } from './fixtures';

/** /token/create's import form against the PSKC conformance corpus (test/fixtures/pskc/EXPECTED.md). */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());
beforeEach(() => s.db.query('DELETE FROM tokens'));

const PSK = '12345678901234567890123456789012';
const ascii = (text: string) => Buffer.from(text).toString('hex');

async function stored(): Promise<{ serial: string; type: string; algorithm: string; digits: number; period: number; counter: number; secret: string }[]> {
  const rows = await s.db.query(
    `SELECT t.id, t.serial, p.type, t.algorithm, t.digits, t.period, t.counter::float8 AS counter, t.seed_sealed
       FROM tokens t JOIN products p ON p.id = t.product_id ORDER BY t.created_at, t.serial`);
  return rows.map((r: any) => ({
    serial: r.serial, type: r.type, algorithm: r.algorithm, digits: r.digits, period: r.period, counter: r.counter,
    secret: unsealSeed(s.keys.masterKey, r.seed_sealed, r.id).toString('hex'),
  }));
}

describe('/token/create (import of the PSKC corpus over HTTP)', () => {
  it.each([
    ['rfc6030/figure2.pskcxml', {}, '12345678', ascii('1234'), 6],
    ['rfc6030/figure3.pskcxml', {}, '987654321', ascii('12345678901234567890'), 8],
    ['rfc6030/figure5.pskcxml', {}, '987654321', ascii('12345678901234567890'), 8],
    ['rfc6030/figure6.pskcxml', { psk: PSK }, '987654321', '3132333435363738393031323334353637383930', 8],
    ['rfc6030/figure7.pskcxml', { passphrase: 'qwerty' }, '987654321', ascii('12345678901234567890'), 8],
  ])('when %s is imported then its one HOTP key is stored sealed', async (file, keys, serial, secretHex, digits) => {
    const { status, body } = await s.rest('/token/create', { attrs: { data: pskcFile(file), ...keys } });
    expect(status).toBe(200);
    expect(body.result).toEqual({ total: 1, rows: [{ id: expect.any(String), serial }] });
    expect(await stored()).toEqual([{ serial, type: 'HOTP', algorithm: 'SHA1', digits, period: 30, counter: 0, secret: secretHex }]);
  });

  it.each([
    ['multiotp/pskc-hotp-aes.txt', { psk: PSK }, '3132333435363738393031323334353637383930'],
    ['multiotp/pskc-totp-aes.txt', { psk: PSK }, '3132333435363738393031323334353637383930'],
    ['multiotp/pskc-hotp-pbe.txt', { passphrase: 'qwerty' }, '3031323334353637383930313233343536373839'],
    ['multiotp/pskc-totp-pbe.txt', { passphrase: 'qwerty' }, '3031323334353637383930313233343536373839'],
    ['multiotp/tokens_hotp_aes.pskc', { psk: PSK }, '91f0dc4e239977e6bcc273e4f5414a8a6cf6d62c6990f58b4914a2d588b3475f'],
    ['multiotp/tokens_hotp_pbe.pskc', { passphrase: 'qwerty' }, '5d3a38bf5476d6f0b897f1e62887cb3ce833a5b9'],
    ['multiotp/tokens_totp_aes.pskc', { psk: PSK }, '38c2506a8e0708a5e929c2686b827e0ba7ae28c9de3c83e6d27308345981a3de'],
  ])('when %s is imported then its first secret is the expected one', async (file, keys, firstSecretHex) => {
    const result = await s.call('/token/create', { attrs: { data: pskcFile(file), ...keys } });
    const tokens = await stored();
    expect(tokens).toHaveLength(result.total);
    expect(tokens[0].secret).toBe(firstSecretHex);
  });

  it('when multiotp/tokens_hotp_aes.pskc is imported then its counters beyond 2^53 are kept exactly, shown, and verified', async () => {
    // the MAC-checked counters decrypt to 7-byte values: 0x3bfeb148808dd6 and 0x75b733387bf4f3
    const counter = 0x3bfeb148808dd6n;
    await s.call('/token/create', { attrs: { data: pskcFile('multiotp/tokens_hotp_aes.pskc'), psk: PSK } });
    expect(await s.db.query(`SELECT serial, counter::text AS counter FROM tokens ORDER BY serial`)).toEqual([
      { serial: 'ZZ7000000001', counter: '16887061004979670' }, { serial: 'ZZ7000000002', counter: '33134002894009587' }]);
    const got = await s.call('/token/get', { token: { serial: 'ZZ7000000001' } });
    expect(got).toMatchObject({ type: 'HOTP', algorithm: 'SHA256', digits: 8, counter: '16887061004979670' });

    const user = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'ZZ7000000001' }, user: { id: user.id } });
    const secret = Buffer.from('91f0dc4e239977e6bcc273e4f5414a8a6cf6d62c6990f58b4914a2d588b3475f', 'hex');
    const otp = hmacSha256Hotp8(secret, counter + 2n); // within the look-ahead of 10
    expect(await s.call('/auth/verify', { user: { id: user.id }, credential: { otp } })).toEqual({ verified: true, serial: 'ZZ7000000001' });
    expect((await s.call('/token/get', { token: { serial: 'ZZ7000000001' }, return: ['counter'] })).counter).toBe('16887061004979673');
    for (const used of [otp, hmacSha256Hotp8(secret, counter)]) {
      expect((await s.rpc('/auth/verify', { user: { id: user.id }, credential: { otp: used } })).error?.data.name).toBe('AUTH_FAILED');
    }
    expect(await s.db.query(`SELECT counter::text AS counter FROM tokens WHERE serial = 'ZZ7000000001'`)).toEqual([{ counter: '16887061004979673' }]);
  });

  it('when multiotp/tokens_totp_aes.pskc is imported then each token keeps its own hash algorithm', async () => {
    await s.call('/token/create', { attrs: { data: pskcFile('multiotp/tokens_totp_aes.pskc'), psk: PSK } });
    expect((await stored())[0]).toMatchObject({ type: 'TOTP', algorithm: 'SHA256' });
  });

  it('when the Feitian file mixing HOTP and TOTP keys is imported then every key lands under OATH/HOTP or OATH/TOTP', async () => {
    const result = await s.call('/token/create', { attrs: { data: pskcFile('feitian/file1.pskcxml') } });
    expect(result.rows.map((r: { serial: string }) => r.serial)).toEqual(
      ['1000133508267', '1000133508255', '2600124809778', '2600124809787', '2600135004012', '2600135004013']);
    const products = await s.db.query(
      `SELECT p.manufacturer_code || '/' || p.product_code AS product, count(*)::int AS n, min(t.period) AS period
         FROM tokens t JOIN products p ON p.id = t.product_id GROUP BY 1 ORDER BY 1`);
    expect(products).toEqual([{ product: 'OATH/HOTP', n: 2, period: 30 }, { product: 'OATH/TOTP', n: 4, period: 60 }]);
  });

  it('when the other Feitian file is imported then both of its keys are stored', async () => {
    const result = await s.call('/token/create', { attrs: { data: pskcFile('feitian/20120919-test001-4282.xml') } });
    expect(result.total).toBe(2);
    expect((await stored()).map((t) => t.type).sort()).toEqual(['HOTP', 'TOTP']);
  });

  it.each([
    ['rfc6030/figure4.pskcxml', {}],
    ['rfc6030/figure8.pskcxml', {}],
    ['rfc6030/figure6.pskcxml', { psk: '00'.repeat(16) }],
    ['rfc6030/figure7.pskcxml', { passphrase: 'wrong' }],
    ['rfc6030/figure6.pskcxml', {}],
  ])('when %s %j cannot be imported then IMPORT_FILE_INVALID gives the reason and nothing is written', async (file, keys) => {
    const { status, body } = await s.rest('/token/create', { attrs: { data: pskcFile(file), ...keys } });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 1008, name: 'IMPORT_FILE_INVALID', data: { errors: [{ message: expect.any(String) }] } });
    expect(await stored()).toEqual([]);
  });

  const invalid = readdirSync(join(PSKC_DIR, 'invalid')).sort();
  it.each(invalid)('when invalid/%s is imported then IMPORT_FILE_INVALID with a reason and nothing is written', async (file) => {
    for (const keys of [{}, { psk: PSK }, { passphrase: 'qwerty' }]) {
      const reply = await s.rpc('/token/create', { attrs: { data: pskcFile(`invalid/${file}`), ...keys } });
      expect(reply.error).toMatchObject({ code: 1008, data: { name: 'IMPORT_FILE_INVALID' } });
      expect(reply.error!.data.errors.length).toBeGreaterThan(0);
      expect(reply.error!.data.errors[0].message).toEqual(expect.any(String));
    }
    expect(await stored()).toEqual([]);
  });

  it('when a serial already exists for the product then SERIAL_DUPLICATE lists it and nothing is written', async () => {
    await s.call('/token/create', { attrs: { data: pskcFile('rfc6030/figure3.pskcxml') } });
    const data = [`NEW-1,${'aa'.repeat(20)},HOTP,6,0`, `987654321,${'bb'.repeat(20)},HOTP,6,0`].join('\n');
    const { status, body } = await s.rest('/token/create', { attrs: { data } });
    expect(status).toBe(409);
    expect(body).toMatchObject({ name: 'SERIAL_DUPLICATE', data: { serials: ['987654321'] } });
    expect((await stored()).map((t) => t.serial)).toEqual(['987654321']);
  });

  it('when the same serial goes to another product then it is no duplicate', async () => {
    await s.call('/token/create', { attrs: { data: `S-1,${'aa'.repeat(20)},HOTP,6,0`, product: { manufacturerCode: 'OATH', productCode: 'HOTP' } } });
    await s.call('/token/create', { attrs: { data: `S-1,${'aa'.repeat(20)},HOTP,6,0`, product: { manufacturerCode: 'DN', productCode: 'SE' } } });
    expect(await stored()).toHaveLength(2);
  });

  it('when an OATH CSV has several bad lines then every one is listed with its line number', async () => {
    const data = [`OK-1,${'aa'.repeat(20)},HOTP,6,0`, 'BAD-1,zz,HOTP,6,0', `BAD-2,${'aa'.repeat(20)},XOTP,6,0`, `OK-2,${'aa'.repeat(20)},HOTP,6,0`].join('\n');
    const reply = await s.rpc('/token/create', { attrs: { data, format: 'oath-csv' } });
    expect(reply.error?.data).toMatchObject({ name: 'IMPORT_FILE_INVALID', errors: [{ position: 2, serial: 'BAD-1' }, { position: 3, serial: 'BAD-2' }] });
    expect(JSON.stringify(reply.error)).not.toContain('aa'.repeat(20));
    expect(await stored()).toEqual([]);
  });

  it('when a DualShield XML file is imported then its header product and parameters apply', async () => {
    const data = `<data><header><manufacturer>DN</manufacturer><product>ST</product><type>TOTP</type><digits>6</digits><period>60</period></header>
      <tokens><token><serial>DS-1</serial><seed>${'cd'.repeat(20)}</seed></token><token><serial>DS-2</serial><seed>${'ef'.repeat(20)}</seed></token></tokens></data>`;
    const result = await s.call('/token/create', { attrs: { data } });
    expect(result.total).toBe(2);
    const rows = await s.db.query(`SELECT p.product_code AS product, t.period FROM tokens t JOIN products p ON p.id = t.product_id`);
    expect(rows).toEqual([{ product: 'ST', period: 60 }, { product: 'ST', period: 60 }]);
  });
});

/** RFC 4226 written out with node:crypto (HMAC-SHA256, 8 digits), independent of src/domain/otp. */
function hmacSha256Hotp8(secret: Buffer, counter: bigint): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(counter);
  const mac = createHmac('sha256', secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1e8).padStart(8, '0');
}
