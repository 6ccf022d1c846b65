import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
let stock: string;
beforeAll(async () => {
  s = await startTestServer();
  stock = (await s.call('/repository/create', { attrs: { name: 'stock', description: 'shelf' } })).id;
  await s.call('/repository/create', { attrs: { name: 'returns', description: 'shelf' } });
});
afterAll(() => s.close());

describe('/repository/get', () => {
  it('when named by id then the whole repository', async () => {
    expect(await s.call('/repository/get', { id: stock }))
      .toEqual({ id: stock, name: 'stock', description: 'shelf', createdAt: expect.any(String) });
  });

  it('when named by match then the same (legacy envelope, return)', async () => {
    const { status, body } = await s.rest('/repository/get', { match: [['name', '=', 'stock']], return: ['id'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { id: stock } });
  });

  it('when the match names several then INVALID_PARAMS', async () => {
    expect((await s.rpc('/repository/get', { match: [['description', '=', 'shelf']] })).error?.data.name).toBe('INVALID_PARAMS');
  });

  it('when nothing matches then 404 REPOSITORY_NOT_FOUND', async () => {
    const { status, body } = await s.rest('/repository/get', { id: '00000000-0000-4000-8000-000000000000' });
    expect(status).toBe(404);
    expect(body).toEqual({ error: 4005, name: 'REPOSITORY_NOT_FOUND', message: 'Repository not found', data: {} });
  });
});
