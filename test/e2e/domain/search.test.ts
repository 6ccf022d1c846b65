import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
const ids: Record<string, string> = {};
beforeAll(async () => {
  s = await startTestServer();
  for (const [name, description] of [['alpha', 'first'], ['bravo', null], ['charlie', 'third'], ['delta', 'fourth'], ['echo', 'fifth']]) {
    ids[name!] = (await s.call('/domain/create', { attrs: { name, description } })).id;
  }
  await s.call('/domain/delete', { id: (await s.call('/domain/create', { attrs: { name: 'deleted' } })).id });
});
afterAll(() => s.close());

const names = async (params: object) => {
  const { total, rows } = await s.call('/domain/search', { ...params, return: ['name'] });
  return { total, names: rows.map((r: { name: string }) => r.name) };
};

describe('/domain/search', () => {
  it('when called without params then every live domain in name order, with total', async () => {
    const result = await s.call('/domain/search', {});
    expect(result.total).toBe(5);
    expect(result.rows[0]).toEqual({ id: ids.alpha, name: 'alpha', description: 'first', pinSource: 'token', directory: null, createdAt: expect.any(String) });
    expect(result.rows.map((r: { name: string }) => r.name)).toEqual(['alpha', 'bravo', 'charlie', 'delta', 'echo']);
  });

  it.each([
    ['=', 'bravo', ['bravo']],
    ['!=', 'bravo', ['alpha', 'charlie', 'delta', 'echo']],
    ['like', '%a%', ['alpha', 'bravo', 'charlie', 'delta']],
    ['<', 'charlie', ['alpha', 'bravo']],
    ['<=', 'charlie', ['alpha', 'bravo', 'charlie']],
    ['>', 'charlie', ['delta', 'echo']],
    ['>=', 'charlie', ['charlie', 'delta', 'echo']],
    ['in', ['echo', 'alpha', 'nobody'], ['alpha', 'echo']],
  ])('when matching name %s %j then %j', async (op, value, expected) => {
    expect(await names({ match: [['name', op, value]] })).toEqual({ total: expected.length, names: expected });
  });

  it('when matching null with = and several entries then they are ANDed', async () => {
    expect(await names({ match: [['description', '=', null]] })).toEqual({ total: 1, names: ['bravo'] });
    expect(await names({ match: [['description', '!=', null], ['name', 'like', '%e%']] }))
      .toEqual({ total: 3, names: ['charlie', 'delta', 'echo'] });
  });

  it('when matching on createdAt then times compare', async () => {
    expect(await names({ match: [['createdAt', '<', '2000-01-01T00:00:00Z']] })).toEqual({ total: 0, names: [] });
    expect((await names({ match: [['createdAt', '>', '2000-01-01T00:00:00Z']] })).total).toBe(5);
  });

  it('when ordered and paged then total counts every match and rows are the page', async () => {
    expect(await names({ orderBy: '-name', offset: 1, limit: 2 })).toEqual({ total: 5, names: ['delta', 'charlie'] });
    expect(await names({ orderBy: ['description desc'], limit: 2 })).toEqual({ total: 5, names: ['bravo', 'charlie'] });
    expect(await names({ offset: 10 })).toEqual({ total: 5, names: [] });
  });

  it('when `return` is ["*"] then every simple field (legacy envelope)', async () => {
    const { body } = await s.rest('/domain/search', { match: [['id', '=', ids.delta]], return: ['*'] });
    expect(body).toEqual({ error: 0, result: { total: 1, rows: [{ id: ids.delta, name: 'delta', description: 'fourth', pinSource: 'token', directory: null, createdAt: expect.any(String) }] } });
  });

  it('when a deleted domain is matched by name then it is not there', async () => {
    expect(await names({ match: [['name', '=', 'deleted']] })).toEqual({ total: 0, names: [] });
  });

  it.each([
    ['an unknown orderBy field', { orderBy: 'color' }, 'INVALID_PARAMS'],
    ['a limit over 1000', { limit: 1001 }, 'INVALID_PARAMS'],
    ['a negative offset', { offset: -1 }, 'INVALID_PARAMS'],
    ['like on a time', { match: [['createdAt', 'like', '2%']] }, 'INVALID_PARAMS'],
    ['in without an array', { match: [['name', 'in', 'alpha']] }, 'INVALID_PARAMS'],
    ['a bad time', { match: [['createdAt', '<', 'yesterday']] }, 'INVALID_PARAMS'],
    ['an unknown field', { where: 'x' }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when params hold %s then %s', async (_what, params, name) => {
    const { status, body } = await s.rest('/domain/search', params);
    expect(status).toBe(400);
    expect(body.name).toBe(name);
  });
});
