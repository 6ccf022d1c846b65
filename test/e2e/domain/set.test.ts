import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const create = async (name: string, description?: string) => (await s.call('/domain/create', { attrs: { name, description } })).id as string;
const rowOf = async (id: string) => (await s.db.query('SELECT name, description FROM domains WHERE id = $1', [id]))[0];

describe('/domain/set', () => {
  it('when attrs change then it answers the changed domain and stores it', async () => {
    const id = await create('before', 'old');
    expect(await s.call('/domain/set', { id, attrs: { name: 'after', description: null } }))
      .toEqual({ id, name: 'after', description: null, pinSource: 'token', directory: null, createdAt: expect.any(String) });
    expect(await rowOf(id)).toEqual({ name: 'after', description: null });
  });

  it('when only some attrs are given then the others stay (legacy envelope, dotted keys, return)', async () => {
    const id = await create('keep', 'kept');
    const { status, body } = await s.rest('/domain/set', { id, 'attrs.description': 'changed', return: ['description'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { description: 'changed' } });
    expect(await rowOf(id)).toEqual({ name: 'keep', description: 'changed' });
  });

  it('when the new name is taken then CONFLICT and nothing changes', async () => {
    await create('first');
    const id = await create('second', 'two');
    const reply = await s.rpc('/domain/set', { id, attrs: { name: 'first', description: 'lost' } });
    expect(reply.error).toEqual({
      code: 5004, message: 'A domain with this name already exists', data: { name: 'CONFLICT', reason: 'DUPLICATE', fields: ['name'] },
    });
    expect(await rowOf(id)).toEqual({ name: 'second', description: 'two' });
  });

  it('when the domain was deleted or never existed then DOMAIN_NOT_FOUND and the tombstone is untouched', async () => {
    const id = await create('tomb');
    await s.call('/domain/delete', { id });
    expect((await s.rpc('/domain/set', { id, attrs: { name: 'alive' } })).error?.data.name).toBe('DOMAIN_NOT_FOUND');
    expect(await rowOf(id)).toEqual({ name: 'tomb', description: null });
    const unknown = await s.rpc('/domain/set', { id: '00000000-0000-4000-8000-000000000000', attrs: { name: 'x' } });
    expect(unknown.error?.data.name).toBe('DOMAIN_NOT_FOUND');
  });

  it.each([
    ['empty attrs', { attrs: {} }, 'INVALID_PARAMS'],
    ['no attrs', {}, 'INVALID_PARAMS'],
    ['an id in attrs', { attrs: { id: '00000000-0000-4000-8000-000000000000' } }, 'QUERY_FIELD_NOT_ALLOWED'],
    ['createdAt in attrs', { attrs: { createdAt: '2020-01-01T00:00:00Z' } }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when params hold %s then %s', async (_what, params, name) => {
    const id = await create(`invalid-${name}-${Object.keys(params).length}-${JSON.stringify(params).length}`);
    expect((await s.rpc('/domain/set', { id, ...params })).error?.data.name).toBe(name);
  });
});
