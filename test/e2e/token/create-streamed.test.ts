import { readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { unsealSeed } from '../../../src/services/tokens/token-seeds';
import { startTestServer, TestServer } from '../../support/server';

/** /token/create with the seed file itself as the streamed body (SPEC §8). */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());
beforeEach(() => s.db.query('DELETE FROM tokens'));

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/pskc/rfc6030', name), 'utf8');
const RFC6030_SECRET = Buffer.from('12345678901234567890').toString('hex');
const seedHex = (i: number) => (i * 7919 + 1).toString(16).padStart(40, '0');

async function upload(query: string, contentType: string, body: string, headers: Record<string, string> = {}, route = '/rest') {
  const res = await fetch(`${s.url}${route}/token/create${query}`, {
    method: 'POST', body, headers: { 'content-type': contentType, authorization: `Bearer ${s.adminKey}`, ...headers },
  });
  return { status: res.status, body: await res.json() as any };
}

async function stored(): Promise<{ serial: string; secret: string; product: string; digits: number; period: number }[]> {
  const rows = await s.db.query(`
    SELECT t.id, t.serial, t.seed_sealed, p.manufacturer_code || '/' || p.product_code AS product, t.digits, t.period
    FROM tokens t JOIN products p ON p.id = t.product_id ORDER BY t.serial`);
  return rows.map((r: any) => ({
    serial: r.serial, secret: unsealSeed(s.keys.masterKey, r.seed_sealed, r.id).toString('hex'), product: r.product, digits: r.digits, period: r.period,
  }));
}

const tokenCount = async () => (await s.db.query('SELECT count(*)::int AS n FROM tokens'))[0].n as number;

describe('/token/create with a streamed body', () => {
  it('when an OATH CSV file is sent as text/csv then every token is stored and the reply lists them in file order', async () => {
    const lines = ['# exported by a vendor tool', 'serial,seed,type,digits,counter', ...[3, 1, 2].map((i) => `CSV-${i},${seedHex(i)},HOTP,6,0`), ''];
    const { status, body } = await upload('?product.manufacturerCode=OATH&product.productCode=HOTP', 'text/csv', lines.join('\r\n'));
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { total: 3, rows: ['CSV-3', 'CSV-1', 'CSV-2'].map((serial) => ({ id: expect.any(String), serial })) } });
    const ids = await s.db.query('SELECT id, serial FROM tokens ORDER BY serial');
    expect(body.result.rows.map((r: any) => r.id).sort()).toEqual(ids.map((r: any) => r.id).sort());
    expect(await stored()).toEqual([1, 2, 3].map((i) => ({ serial: `CSV-${i}`, secret: seedHex(i), product: 'OATH/HOTP', digits: 6, period: 30 })));
  });

  it('when privacyIDEA short OATH CSV forms are sent to /das5/rest then the defaults apply and the hash follows the key length', async () => {
    const sha256Key = 'ab'.repeat(32);
    const csv = `# serial, key[, type[, digits[, counter|period[, hash]]]]\nPI-1,${seedHex(1)}\nPI-2,${sha256Key},totp\n`;
    const { status, body } = await upload('', 'text/csv; charset=utf-8', csv, {}, '/das5/rest');
    expect(status).toBe(200);
    expect(body.result.rows.map((r: any) => r.serial)).toEqual(['PI-1', 'PI-2']);
    const rows = await s.db.query(`SELECT serial, algorithm, digits, period, counter::int AS counter FROM tokens ORDER BY serial`);
    expect(rows).toEqual([
      { serial: 'PI-1', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
      { serial: 'PI-2', algorithm: 'SHA256', digits: 6, period: 30, counter: 0 },
    ]);
  });

  it.each([
    ['application/pskc+xml', 'figure6.pskcxml', { 'X-Tokengate-Psk': '12345678901234567890123456789012' }],
    ['application/xml', 'figure7.pskcxml', { 'X-Tokengate-Passphrase': 'qwerty' }],
  ])('when an encrypted PSKC file is sent as %s with its secret in a header then its key is decrypted and stored', async (type, file, headers) => {
    const { status, body } = await upload('', type, fixture(file), headers);
    expect(status).toBe(200);
    expect(body.result).toEqual({ total: 1, rows: [{ id: expect.any(String), serial: '987654321' }] });
    expect(await stored()).toEqual([{ serial: '987654321', secret: RFC6030_SECRET, product: 'OATH/HOTP', digits: 8, period: 30 }]);
  });

  it('when the PSKC secret header is missing or wrong then IMPORT_FILE_INVALID and nothing is written', async () => {
    const missing = await upload('', 'application/pskc+xml', fixture('figure6.pskcxml'));
    expect(missing).toMatchObject({ status: 400, body: { name: 'IMPORT_FILE_INVALID' } });
    const wrong = await upload('', 'application/pskc+xml', fixture('figure6.pskcxml'), { 'X-Tokengate-Psk': '00'.repeat(16) });
    expect(wrong).toMatchObject({ status: 400, body: { name: 'IMPORT_FILE_INVALID' } });
    expect(await tokenCount()).toBe(0);
  });

  it('when a DualShield XML file is sent as application/xml then its tokens take the header settings', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <data><header><type>TOTP</type><digits>8</digits><period>60</period></header>
        <tokens>
          <token><serial>DS-1</serial><seed>${seedHex(1)}</seed></token>
          <token><serial>DS-2</serial><seed>${seedHex(2)}</seed><digits>6</digits></token>
        </tokens></data>`;
    const { status, body } = await upload('?format=dualshield-xml', 'application/xml', xml);
    expect(status).toBe(200);
    expect(body.result).toEqual({ total: 2, rows: ['DS-1', 'DS-2'].map((serial) => ({ id: expect.any(String), serial })) });
    expect(await stored()).toEqual([
      { serial: 'DS-1', secret: seedHex(1), product: 'OATH/TOTP', digits: 8, period: 60 },
      { serial: 'DS-2', secret: seedHex(2), product: 'OATH/TOTP', digits: 6, period: 60 },
    ]);
  });

  it.each([
    ['psk', '?psk=12345678901234567890123456789012'],
    ['passphrase', '?passphrase=qwerty'],
  ])('when the %s is in the query string then INVALID_PARAMS says to use the header, and nothing is written', async (name, query) => {
    const { status, body } = await upload(query, 'application/pskc+xml', fixture(name === 'psk' ? 'figure6.pskcxml' : 'figure7.pskcxml'));
    expect(status).toBe(400);
    expect(body).toMatchObject({ name: 'INVALID_PARAMS', data: { errors: [{ path: '/attrs', message: expect.stringContaining('X-Tokengate-Psk') }] } });
    expect(body.data.errors[0].message).toContain(`${name} must never be in the URL`);
    expect(await tokenCount()).toBe(0);
  });

  it('when a PSKC file holds only keys that are not OTP tokens then IMPORT_FILE_INVALID counts every one of them', async () => {
    // RFC 6030 §10: OCRA (RFC 6287) keys are challenge-response, not HOTP/TOTP; 150 of them, 2 PIN keys
    const key = (i: number, algorithm: string) => `<KeyPackage><Key Id="K-${i}" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:${algorithm}">
      <Data><Secret><PlainValue>${Buffer.from(`secret-${i}`).toString('base64')}</PlainValue></Secret></Data></Key></KeyPackage>`;
    const keys = [...Array.from({ length: 150 }, (_, i) => key(i, 'OCRA-1')), key(150, 'pin'), key(151, 'pin')];
    const { status, body } = await upload('', 'application/pskc+xml',
      `<?xml version="1.0"?><KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">${keys.join('')}</KeyContainer>`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ name: 'IMPORT_FILE_INVALID', message: 'the file holds no HOTP or TOTP key to import (only 150 ocra-1 keys and 2 pin keys)' });
    expect(await tokenCount()).toBe(0);
  });

  it('when format contradicts the Content-Type then INVALID_PARAMS', async () => {
    const { body } = await upload('?format=pskc', 'text/csv', `S-1,${seedHex(1)},HOTP,6,0`);
    expect(body).toMatchObject({ name: 'INVALID_PARAMS' });
  });

  it('when one entry deep in a large file is bad then its position is reported and nothing is written', async () => {
    const N = 30_000;
    const lines = Array.from({ length: N }, (_, i) => `BIG-${i},${seedHex(i)},HOTP,6,0`);
    lines[24_681] = `BIG-24681,${seedHex(24_681)}z,HOTP,6,0`; // line 24,682: an odd, non-hex seed
    lines[29_000] = 'BIG-7,00ff,HOTP,6,0';                         // line 29,001: a serial used on line 8
    const { status, body } = await upload('', 'text/csv', lines.join('\n'));
    expect(status).toBe(400);
    expect(body).toEqual({
      error: 1008, name: 'IMPORT_FILE_INVALID', message: expect.stringMatching(/^entry 24682 \(serial BIG-24681\): .* \(and 1 more problem\)$/),
      data: { errors: [
        { position: 24_682, serial: 'BIG-24681', message: 'the seed (2nd field) is not an even number of hexadecimal digits' },
        { position: 29_001, serial: 'BIG-7', message: 'serial BIG-7 is already used by entry 8 of this file' },
      ] },
    });
    expect(await tokenCount()).toBe(0);
  });

  it('when the client hangs up mid-upload then nothing is written and the call is recorded as IMPORT_FILE_INVALID', async () => {
    const [{ last }] = await s.db.query(`SELECT coalesce(max(id), 0)::int AS last FROM audit_log`);
    const url = new URL(`${s.url}/rest/token/create`);
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${s.adminKey}`, 'transfer-encoding': 'chunked' },
    });
    req.on('error', () => {}); // we are the ones cutting it
    req.on('response', (res) => res.resume());
    for (let from = 0; from < 12_000; from += 3000) {
      req.write(Array.from({ length: 3000 }, (_, i) => `CUT-${from + i},${seedHex(from + i)},HOTP,6,0\n`).join(''));
      await new Promise((r) => setTimeout(r, 30));
    }
    req.write(`CUT-12000,${seedHex(1).slice(0, 20)}`); // a line cut where it still looks like a whole seed
    await new Promise((r) => setTimeout(r, 200));
    req.destroy();

    let audit: { outcome: string; errorName: string }[] = [];
    for (const deadline = Date.now() + 10_000; audit.length === 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 100));
      audit = await s.db.query(`SELECT outcome, error_name AS "errorName" FROM audit_log WHERE method = '/token/create' AND id > $1`, [last]);
    }
    expect(audit).toEqual([{ outcome: 'error', errorName: 'IMPORT_FILE_INVALID' }]);
    expect(await tokenCount()).toBe(0);
    // the connection that held the staging table went back to the pool clean: the same file, whole, imports
    const whole = await upload('', 'text/csv', `CUT-1,${seedHex(1)},HOTP,6,0\n`);
    expect(whole.body.result).toEqual({ total: 1, rows: [{ id: expect.any(String), serial: 'CUT-1' }] });
  });

  it('when the same file is sent twice then the second is SERIAL_DUPLICATE and writes nothing', async () => {
    const csv = [1, 2].map((i) => `DUP-${i},${seedHex(i)},HOTP,6,0`).join('\n');
    expect((await upload('', 'text/csv', csv)).status).toBe(200);
    const again = await upload('', 'text/csv', csv);
    expect(again).toMatchObject({ status: 409, body: { name: 'SERIAL_DUPLICATE', data: { serials: ['DUP-1', 'DUP-2'] } } });
    expect(await tokenCount()).toBe(2);
  });
});
