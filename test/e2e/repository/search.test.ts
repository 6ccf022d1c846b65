import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  for (const [name, description] of [['r-01', 'spring'], ['r-02', 'summer'], ['r-03', null], ['x-01', 'winter']]) {
    await s.call('/repository/create', { attrs: { name, description } });
  }
});
afterAll(() => s.close());

const names = async (params: object) => {
  const { total, rows } = await s.call('/repository/search', { ...params, return: ['name'] });
  return { total, names: rows.map((r: { name: string }) => r.name) };
};

describe('/repository/search', () => {
  it('when called without params then every repository by name', async () => {
    expect(await names({})).toEqual({ total: 4, names: ['r-01', 'r-02', 'r-03', 'x-01'] });
  });

  it.each([
    [[['name', 'like', 'r-%']], ['r-01', 'r-02', 'r-03']],
    [[['description', '!=', null]], ['r-01', 'r-02', 'x-01']],
    [[['description', 'in', ['summer', 'winter']]], ['r-02', 'x-01']],
    [[['name', '>', 'r-01'], ['name', '<=', 'r-03']], ['r-02', 'r-03']],
  ])('when matching %j then %j', async (match, expected) => {
    expect(await names({ match })).toEqual({ total: expected.length, names: expected });
  });

  it('when ordered and paged then total counts every match (legacy envelope)', async () => {
    const { status, body } = await s.rest('/repository/search', { orderBy: '-name', offset: 1, limit: 2, return: ['name'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { total: 4, rows: [{ name: 'r-03' }, { name: 'r-02' }] } });
  });
});
