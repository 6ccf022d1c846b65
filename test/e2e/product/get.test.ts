import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const mobileToken = {
  id: expect.any(String), manufacturerCode: 'DN', productCode: 'MT', name: 'MobileToken', type: 'TOTP', algorithm: 'SHA1',
  digits: 6, period: 30, hardware: false, authWindow: 1, maxFail: 10,
};

describe('/product/get', () => {
  it('when matched by its codes then the seeded MobileToken', async () => {
    expect(await s.call('/product/get', { match: [['manufacturerCode', '=', 'DN'], ['productCode', '=', 'MT']] })).toEqual(mobileToken);
  });

  it('when named by id then the same product (legacy envelope, return)', async () => {
    const { id } = await s.call('/product/get', { match: [['manufacturerCode', '=', 'DN'], ['productCode', '=', 'SE']] });
    const { status, body } = await s.rest('/product/get', { id, return: ['name', 'type', 'hardware'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { name: 'SafeID event-based', type: 'HOTP', hardware: true } });
  });

  it('when the match names several products then INVALID_PARAMS', async () => {
    expect((await s.rpc('/product/get', { match: [['type', '=', 'TOTP']] })).error?.message).toBe('match names more than one product; use /product/search');
  });

  it('when nothing matches then 404 PRODUCT_NOT_FOUND', async () => {
    const { status, body } = await s.rest('/product/get', { id: '00000000-0000-4000-8000-000000000000' });
    expect(status).toBe(404);
    expect(body).toEqual({ error: 4004, name: 'PRODUCT_NOT_FOUND', message: 'Product not found', data: {} });
    expect((await s.rpc('/product/get', { match: [['productCode', '=', 'NOPE']] })).error?.data.name).toBe('PRODUCT_NOT_FOUND');
  });

  it('when a match value has the wrong type then INVALID_PARAMS', async () => {
    expect((await s.rpc('/product/get', { match: [['digits', '=', '6']] })).error?.data.name).toBe('INVALID_PARAMS');
  });
});
