import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
let corp: { id: string; createdAt: string };
beforeAll(async () => {
  s = await startTestServer();
  const { id } = await s.call('/domain/create', { attrs: { name: 'corp', description: 'Head office' } });
  const [row] = await s.db.query('SELECT created_at FROM domains WHERE id = $1', [id]);
  corp = { id, createdAt: row.created_at.toISOString() };
  await s.call('/domain/create', { attrs: { name: 'corp-east', description: 'Head office' } });
});
afterAll(() => s.close());

describe('/domain/get', () => {
  it('when named by id then it answers the whole domain', async () => {
    expect(await s.call('/domain/get', { id: corp.id }))
      .toEqual({ id: corp.id, name: 'corp', description: 'Head office', pinSource: 'token', directory: null, createdAt: corp.createdAt });
  });

  it('when named by match then the same domain', async () => {
    expect(await s.call('/domain/get', { match: [['name', '=', 'corp']] })).toMatchObject({ id: corp.id, name: 'corp' });
  });

  it('when `return` names fields then only those come back (legacy envelope)', async () => {
    const { status, body } = await s.rest('/domain/get', { id: corp.id, return: ['name', 'description'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { name: 'corp', description: 'Head office' } });
  });

  it('when the id was never issued then 404 DOMAIN_NOT_FOUND', async () => {
    const { status, body } = await s.rest('/domain/get', { id: '00000000-0000-4000-8000-000000000000' });
    expect(status).toBe(404);
    expect(body).toEqual({ error: 4003, name: 'DOMAIN_NOT_FOUND', message: 'Domain not found', data: {} });
  });

  it('when the domain was deleted then DOMAIN_NOT_FOUND, though its tombstone remains', async () => {
    const { id } = await s.call('/domain/create', { attrs: { name: 'gone' } });
    await s.call('/domain/delete', { id });
    const reply = await s.rpc('/domain/get', { id });
    expect(reply.error).toEqual({ code: 4003, message: 'Domain not found', data: { name: 'DOMAIN_NOT_FOUND' } });
    expect(await s.db.query('SELECT name, deleted_at IS NOT NULL AS deleted FROM domains WHERE id = $1', [id]))
      .toEqual([{ name: 'gone', deleted: true }]);
  });

  it('when id and match are both given then both must hold', async () => {
    const reply = await s.rpc('/domain/get', { id: corp.id, match: [['name', '=', 'corp-east']] });
    expect(reply.error?.data.name).toBe('DOMAIN_NOT_FOUND');
  });

  it('when the match names several domains then INVALID_PARAMS says to search', async () => {
    const reply = await s.rpc('/domain/get', { match: [['description', '=', 'Head office']] });
    expect(reply.error).toEqual({
      code: -32602, message: 'match names more than one domain; use /domain/search',
      data: { name: 'INVALID_PARAMS', errors: [{ path: '/match', message: 'match names more than one domain; use /domain/search' }] },
    });
  });

  it.each([
    ['neither id nor match', {}],
    ['a malformed id', { id: 'corp' }],
    ['an unknown match field', { match: [['color', '=', 'red']] }],
    ['an unknown operator', { match: [['name', '~', 'x']] }],
  ])('when params hold %s then INVALID_PARAMS', async (_what, params) => {
    expect((await s.rpc('/domain/get', params)).error?.data.name).toBe('INVALID_PARAMS');
  });
});
