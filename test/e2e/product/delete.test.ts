import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const createProduct = async (productCode: string) =>
  (await s.call('/product/create', { attrs: { manufacturerCode: 'ACME', productCode, name: productCode, type: 'HOTP' } })).id as string;
const exists = async (id: string) => (await s.db.query('SELECT count(*)::int AS n FROM products WHERE id = $1', [id]))[0].n === 1;

describe('/product/delete', () => {
  it('when no token uses the product then it is deleted for good', async () => {
    const id = await createProduct('D1');
    expect(await s.call('/product/delete', { id })).toEqual({ id });
    expect(await exists(id)).toBe(false);
    expect((await s.rpc('/product/get', { id })).error?.data.name).toBe('PRODUCT_NOT_FOUND');
  });

  it('when tokens use the product then 409 CONFLICT says how many and the product stays (legacy envelope)', async () => {
    const id = await createProduct('D2');
    await s.db.query(
      `INSERT INTO tokens (product_id, serial, seed_sealed, algorithm, digits) VALUES ($1, 'T-1', '\\x00', 'SHA1', 6), ($1, 'T-2', '\\x00', 'SHA1', 6)`, [id]);
    const { status, body } = await s.rest('/product/delete', { id });
    expect(status).toBe(409);
    expect(body).toEqual({
      error: 5004, name: 'CONFLICT', message: 'The product is still used by 2 token(s)',
      data: { reason: 'IN_USE', tokens: 2 },
    });
    expect(await exists(id)).toBe(true);
  });

  it('when the product does not exist then 404 PRODUCT_NOT_FOUND', async () => {
    const { status, body } = await s.rest('/product/delete', { id: '00000000-0000-4000-8000-000000000000' });
    expect(status).toBe(404);
    expect(body.name).toBe('PRODUCT_NOT_FOUND');
  });

  it('when the key lacks scope directory then FORBIDDEN and the product stays', async () => {
    const id = await createProduct('D3');
    const reply = await s.rpc('/product/delete', { id }, await s.keyWith(['token:write']));
    expect(reply.error?.data.name).toBe('FORBIDDEN');
    expect(await exists(id)).toBe(true);
  });
});
