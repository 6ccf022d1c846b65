import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const create = async (name: string) => (await s.call('/repository/create', { attrs: { name } })).id as string;

describe('/repository/set', () => {
  it('when attrs change then it answers the changed repository and stores it', async () => {
    const id = await create('old');
    expect(await s.call('/repository/set', { id, attrs: { name: 'new', description: 'moved' } }))
      .toEqual({ id, name: 'new', description: 'moved', createdAt: expect.any(String) });
    expect(await s.db.query('SELECT name, description FROM repositories WHERE id = $1', [id])).toEqual([{ name: 'new', description: 'moved' }]);
  });

  it('when the new name is taken then 409 CONFLICT and nothing changes (legacy envelope)', async () => {
    await create('first');
    const id = await create('second');
    const { status, body } = await s.rest('/repository/set', { id, attrs: { name: 'first' } });
    expect(status).toBe(409);
    expect(body.data).toEqual({ reason: 'DUPLICATE', fields: ['name'] });
    expect(await s.db.query('SELECT name FROM repositories WHERE id = $1', [id])).toEqual([{ name: 'second' }]);
  });

  it('when the repository does not exist then REPOSITORY_NOT_FOUND', async () => {
    const reply = await s.rpc('/repository/set', { id: '00000000-0000-4000-8000-000000000000', attrs: { name: 'x' } });
    expect(reply.error?.data.name).toBe('REPOSITORY_NOT_FOUND');
  });

  it('when attrs are empty then INVALID_PARAMS', async () => {
    expect((await s.rpc('/repository/set', { id: await create('empty'), attrs: {} })).error?.data.name).toBe('INVALID_PARAMS');
  });
});
