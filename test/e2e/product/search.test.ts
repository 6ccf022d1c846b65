import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.call('/product/create', { attrs: { manufacturerCode: 'FT', productCode: 'C200', name: 'Feitian C200', type: 'TOTP', digits: 8, period: 60, hardware: true } });
});
afterAll(() => s.close());

const codes = async (params: object) => {
  const { total, rows } = await s.call('/product/search', { ...params, return: ['manufacturerCode', 'productCode'] });
  return { total, codes: rows.map((r: { manufacturerCode: string; productCode: string }) => `${r.manufacturerCode}/${r.productCode}`) };
};

describe('/product/search', () => {
  it('when called without params then the seeded products and the new one, by codes', async () => {
    expect(await codes({})).toEqual({ total: 6, codes: ['DN/MT', 'DN/SE', 'DN/ST', 'FT/C200', 'OATH/HOTP', 'OATH/TOTP'] });
  });

  it.each([
    [[['hardware', '=', false]], ['DN/MT']],
    [[['type', '=', 'HOTP']], ['DN/SE', 'OATH/HOTP']],
    [[['digits', 'in', [8]]], ['FT/C200']],
    [[['period', '>', 30]], ['FT/C200']],
    [[['authWindow', '>=', 10]], ['DN/SE', 'OATH/HOTP']],
    [[['authWindow', '<', 10], ['manufacturerCode', '!=', 'OATH']], ['DN/MT', 'DN/ST', 'FT/C200']],
    [[['name', 'like', 'SafeID%']], ['DN/SE', 'DN/ST']],
    [[['maxFail', '<=', 10], ['productCode', 'in', ['MT', 'TOTP']]], ['DN/MT', 'OATH/TOTP']],
  ])('when matching %j then %j', async (match, expected) => {
    expect(await codes({ match })).toEqual({ total: expected.length, codes: expected });
  });

  it('when ordered and paged then total counts every product', async () => {
    expect(await codes({ orderBy: ['-type', 'name desc'], offset: 1, limit: 2 })).toEqual({ total: 6, codes: ['DN/MT', 'OATH/TOTP'] });
  });

  it('when `return` is ["*"] then every field (legacy envelope)', async () => {
    const { body } = await s.rest('/product/search', { match: [['productCode', '=', 'C200']], return: ['*'] });
    expect(body).toEqual({ error: 0, result: { total: 1, rows: [{
      id: expect.any(String), manufacturerCode: 'FT', productCode: 'C200', name: 'Feitian C200', type: 'TOTP', algorithm: 'SHA1',
      digits: 8, period: 60, hardware: true, authWindow: 1, maxFail: 10,
    }] } });
  });

  it('when like is used on a number then 400 INVALID_PARAMS', async () => {
    const { status, body } = await s.rest('/product/search', { match: [['digits', 'like', '6%']] });
    expect(status).toBe(400);
    expect(body.name).toBe('INVALID_PARAMS');
  });
});
