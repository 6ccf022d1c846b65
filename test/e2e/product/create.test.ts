import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const productCount = async () => (await s.db.query('SELECT count(*)::int AS n FROM products'))[0].n;
const productRow = async (id: string) => (await s.db.query(
  `SELECT manufacturer_code, product_code, name, type, algorithm, digits, period, hardware, auth_window, max_fail FROM products WHERE id = $1`, [id]))[0];

describe('/product/create', () => {
  it('when only the required attrs are given then the defaults follow the type', async () => {
    const totp = await s.call('/product/create', { attrs: { manufacturerCode: 'ACME', productCode: 'T1', name: 'Acme TOTP', type: 'TOTP' } });
    expect(totp).toEqual({ id: expect.any(String) });
    expect(await productRow(totp.id)).toEqual({
      manufacturer_code: 'ACME', product_code: 'T1', name: 'Acme TOTP', type: 'TOTP', algorithm: 'SHA1', digits: 6, period: 30,
      hardware: false, auth_window: 1, max_fail: 10,
    });
    const hotp = await s.call('/product/create', { attrs: { manufacturerCode: 'ACME', productCode: 'H1', name: 'Acme HOTP', type: 'HOTP' } });
    expect(await productRow(hotp.id)).toMatchObject({ type: 'HOTP', auth_window: 10 });
  });

  it('when every attr is given then every one is stored (legacy envelope, dotted keys)', async () => {
    const { status, body } = await s.rest('/product/create', {
      'attrs.manufacturerCode': 'FT', 'attrs.productCode': 'C200', 'attrs.name': 'Feitian C200', 'attrs.type': 'TOTP',
      'attrs.algorithm': 'SHA256', 'attrs.digits': 8, 'attrs.period': 60, 'attrs.hardware': true, 'attrs.authWindow': 2, 'attrs.maxFail': 5,
    });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { id: expect.any(String) } });
    expect(await productRow(body.result.id)).toEqual({
      manufacturer_code: 'FT', product_code: 'C200', name: 'Feitian C200', type: 'TOTP', algorithm: 'SHA256', digits: 8, period: 60,
      hardware: true, auth_window: 2, max_fail: 5,
    });
  });

  it('when the codes are those of a seeded product then 409 CONFLICT names both fields', async () => {
    const before = await productCount();
    const { status, body } = await s.rest('/product/create', { attrs: { manufacturerCode: 'DN', productCode: 'MT', name: 'Again', type: 'TOTP' } });
    expect(status).toBe(409);
    expect(body).toEqual({
      error: 5004, name: 'CONFLICT', message: 'A product with this manufacturerCode and productCode already exists',
      data: { reason: 'DUPLICATE', fields: ['manufacturerCode', 'productCode'] },
    });
    expect(await productCount()).toBe(before);
  });

  it.each([
    ['no type', { manufacturerCode: 'X', productCode: 'Y', name: 'n' }, 'INVALID_PARAMS'],
    ['no name', { manufacturerCode: 'X', productCode: 'Y', type: 'HOTP' }, 'INVALID_PARAMS'],
    ['7 digits', { manufacturerCode: 'X', productCode: 'Y', name: 'n', type: 'HOTP', digits: 7 }, 'INVALID_PARAMS'],
    ['type OCRA', { manufacturerCode: 'X', productCode: 'Y', name: 'n', type: 'OCRA' }, 'INVALID_PARAMS'],
    ['algorithm MD5', { manufacturerCode: 'X', productCode: 'Y', name: 'n', type: 'HOTP', algorithm: 'MD5' }, 'INVALID_PARAMS'],
    ['a period of 0', { manufacturerCode: 'X', productCode: 'Y', name: 'n', type: 'TOTP', period: 0 }, 'INVALID_PARAMS'],
    ['maxFail 0', { manufacturerCode: 'X', productCode: 'Y', name: 'n', type: 'TOTP', maxFail: 0 }, 'INVALID_PARAMS'],
    ['a code with a space', { manufacturerCode: 'X Y', productCode: 'Y', name: 'n', type: 'TOTP' }, 'INVALID_PARAMS'],
    ['an unknown attr', { manufacturerCode: 'X', productCode: 'Y', name: 'n', type: 'TOTP', seed: 'abc' }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when attrs hold %s then %s and nothing is stored', async (_what, attrs, name) => {
    const before = await productCount();
    expect((await s.rpc('/product/create', { attrs })).error?.data.name).toBe(name);
    expect(await productCount()).toBe(before);
  });
});
