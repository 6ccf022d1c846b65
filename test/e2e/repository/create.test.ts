import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const repositoryCount = async () => (await s.db.query('SELECT count(*)::int AS n FROM repositories'))[0].n;

describe('/repository/create', () => {
  it('when attrs are valid then it answers {id} and stores the repository', async () => {
    const result = await s.call('/repository/create', { attrs: { name: 'stock-2025', description: 'Feitian batch' } });
    expect(result).toEqual({ id: expect.any(String) });
    expect(await s.db.query('SELECT name, description FROM repositories WHERE id = $1', [result.id]))
      .toEqual([{ name: 'stock-2025', description: 'Feitian batch' }]);
  });

  it('when called on the legacy route with dotted keys then {error: 0, result: {id}}', async () => {
    const { status, body } = await s.rest('/repository/create', { 'attrs.name': 'legacy' });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { id: expect.any(String) } });
  });

  it('when the name is taken then 409 CONFLICT names the field and nothing is stored', async () => {
    await s.call('/repository/create', { attrs: { name: 'taken' } });
    const before = await repositoryCount();
    const { status, body } = await s.rest('/repository/create', { attrs: { name: 'taken' } });
    expect(status).toBe(409);
    expect(body).toEqual({
      error: 5004, name: 'CONFLICT', message: 'A repository with this name already exists', data: { reason: 'DUPLICATE', fields: ['name'] },
    });
    expect(await repositoryCount()).toBe(before);
  });

  it.each([
    ['no name', { description: 'x' }, 'INVALID_PARAMS'],
    ['a description of 2001 characters', { name: 'long', description: 'x'.repeat(2001) }, 'INVALID_PARAMS'],
    ['an unknown attr', { name: 'x', owner: 'me' }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when attrs hold %s then %s and nothing is stored', async (_what, attrs, name) => {
    const before = await repositoryCount();
    expect((await s.rpc('/repository/create', { attrs })).error?.data.name).toBe(name);
    expect(await repositoryCount()).toBe(before);
  });
});
