import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const createProduct = async (productCode: string, type = 'TOTP') =>
  (await s.call('/product/create', { attrs: { manufacturerCode: 'ACME', productCode, name: `Acme ${productCode}`, type } })).id as string;
const productRow = async (id: string) => (await s.db.query(
  'SELECT product_code, name, type, algorithm, digits, hardware, auth_window, max_fail FROM products WHERE id = $1', [id]))[0];
async function tokenOf(productId: string, serial: string) {
  await s.db.query(`INSERT INTO tokens (product_id, serial, seed_sealed, algorithm, digits) VALUES ($1, $2, '\\x00', 'SHA1', 6)`, [productId, serial]);
}

describe('/product/set', () => {
  it('when attrs change then it answers the changed product and stores it', async () => {
    const id = await createProduct('P1');
    expect(await s.call('/product/set', { id, attrs: { name: 'Renamed', authWindow: 3, maxFail: 4, digits: 8 } })).toEqual({
      id, manufacturerCode: 'ACME', productCode: 'P1', name: 'Renamed', type: 'TOTP', algorithm: 'SHA1', digits: 8, period: 30,
      hardware: false, authWindow: 3, maxFail: 4,
    });
    expect(await productRow(id)).toEqual({
      product_code: 'P1', name: 'Renamed', type: 'TOTP', algorithm: 'SHA1', digits: 8, hardware: false, auth_window: 3, max_fail: 4,
    });
  });

  it('when no token uses the product then its type and hardware may change (legacy envelope)', async () => {
    const id = await createProduct('P2');
    const { status, body } = await s.rest('/product/set', { id, 'attrs.type': 'HOTP', 'attrs.hardware': true, return: ['type', 'hardware'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { type: 'HOTP', hardware: true } });
  });

  it('when tokens use the product then changing type or hardware is CONFLICT; repeating them or changing other fields is fine', async () => {
    const id = await createProduct('P3');
    await tokenOf(id, 'S-1');
    const reply = await s.rpc('/product/set', { id, attrs: { type: 'HOTP', name: 'Lost' } });
    expect(reply.error).toEqual({
      code: 5004, message: 'type cannot change while 1 token(s) use the product',
      data: { name: 'CONFLICT', reason: 'IN_USE', tokens: 1, fields: ['type'] },
    });
    expect(await productRow(id)).toMatchObject({ type: 'TOTP', name: 'Acme P3' });
    expect(await s.call('/product/set', { id, attrs: { type: 'TOTP', hardware: false, name: 'Same type' } })).toMatchObject({ type: 'TOTP', name: 'Same type' });
    expect(await s.call('/product/set', { id, attrs: { algorithm: 'SHA256', maxFail: 3 } })).toMatchObject({ algorithm: 'SHA256', maxFail: 3 });
  });

  it('when the new codes are taken then CONFLICT names them', async () => {
    const id = await createProduct('P4');
    const reply = await s.rpc('/product/set', { id, attrs: { manufacturerCode: 'DN', productCode: 'MT' } });
    expect(reply.error?.data).toEqual({ name: 'CONFLICT', reason: 'DUPLICATE', fields: ['manufacturerCode', 'productCode'] });
    expect((await productRow(id)).product_code).toBe('P4');
  });

  it('when the product does not exist then PRODUCT_NOT_FOUND, also for a type change', async () => {
    for (const attrs of [{ name: 'x' }, { type: 'HOTP' }]) {
      const reply = await s.rpc('/product/set', { id: '00000000-0000-4000-8000-000000000000', attrs });
      expect(reply.error?.data.name).toBe('PRODUCT_NOT_FOUND');
    }
  });

  it.each([
    ['empty attrs', { attrs: {} }, 'INVALID_PARAMS'],
    ['digits 9', { attrs: { digits: 9 } }, 'INVALID_PARAMS'],
    ['an id in attrs', { attrs: { id: '00000000-0000-4000-8000-000000000000' } }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when params hold %s then %s', async (_what, params, name) => {
    const id = await createProduct(`V${JSON.stringify(params).length}`);
    expect((await s.rpc('/product/set', { id, ...params })).error?.data.name).toBe(name);
  });
});
