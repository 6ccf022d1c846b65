import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
let corp: string;
let alice: string;
beforeAll(async () => {
  s = await startTestServer();
  corp = (await s.call('/domain/create', { attrs: { name: 'corp' } })).id;
  await s.call('/domain/create', { attrs: { name: 'lab' } });
  alice = (await s.call('/user/create', { attrs: {
    'domain.name': 'corp', loginName: 'alice', firstName: 'Alice', lastName: 'Liddell', email: 'alice@example.com', mobile: '+1 555 0100',
  } })).id;
  await s.call('/user/create', { attrs: { 'domain.name': 'lab', loginName: 'alice' } });
});
afterAll(() => s.close());

const aliceInFull = () => ({
  id: alice, domain: { id: corp, name: 'corp' }, loginName: 'alice', firstName: 'Alice', lastName: 'Liddell',
  email: 'alice@example.com', mobile: '+1 555 0100', status: 'ACTIVE', createdAt: expect.any(String),
});

describe('/user/get', () => {
  it('when named by id then it answers the whole user with its domain', async () => {
    expect(await s.call('/user/get', { id: alice })).toEqual(aliceInFull());
  });

  it.each([
    ['dotted domain.name and loginName', { 'domain.name': 'corp', loginName: 'alice' }],
    ['the loginNam alias', { domain: { name: 'corp' }, loginNam: 'alice' }],
    ['domain id and loginName', { 'domain.id': '<corp>', loginName: 'alice' }],
    ['a match on domain.name and loginName', { match: [['domain.name', '=', 'corp'], ['loginName', '=', 'alice']] }],
  ])('when named by %s then the same user', async (_what, params) => {
    const resolved = JSON.parse(JSON.stringify(params).replace('<corp>', corp));
    expect(await s.call('/user/get', resolved)).toEqual(aliceInFull());
  });

  it('when `return` is ["*"] then the simple fields, without the domain', async () => {
    const { domain: _, ...simple } = aliceInFull();
    expect(await s.call('/user/get', { id: alice, return: ['*'] })).toEqual(simple);
  });

  it('when `return` nests {domain: ["name"]} then only that of the domain (legacy envelope)', async () => {
    const { status, body } = await s.rest('/user/get', { id: alice, return: ['loginName', { domain: ['name'] }] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { loginName: 'alice', domain: { name: 'corp' } } });
  });

  it('when the loginName is matched in every domain then INVALID_PARAMS: it names two users', async () => {
    const reply = await s.rpc('/user/get', { match: [['loginName', '=', 'alice']] });
    expect(reply.error).toMatchObject({ code: -32602, message: 'match names more than one user; use /user/search' });
  });

  it('when the user does not exist in that domain then 404 USER_NOT_FOUND', async () => {
    const { status, body } = await s.rest('/user/get', { domain: { name: 'corp' }, loginName: 'nobody' });
    expect(status).toBe(404);
    expect(body).toEqual({ error: 4001, name: 'USER_NOT_FOUND', message: 'User not found', data: {} });
    expect((await s.rpc('/user/get', { domain: { name: 'nowhere' }, loginName: 'alice' })).error?.data.name).toBe('USER_NOT_FOUND');
  });

  it('when a match names domain.id by a value that is no uuid then INVALID_PARAMS, as any match field of the wrong type', async () => {
    const reply = await s.rpc('/user/get', { match: [['domain.id', '=', 'not-a-uuid'], ['loginName', '=', 'alice']] });
    expect(reply.error).toMatchObject({ code: -32602, message: 'match: "domain.id" takes a uuid value' });
  });

  it('when the user was deleted then USER_NOT_FOUND, though its tombstone remains', async () => {
    const { id } = await s.call('/user/create', { attrs: { 'domain.name': 'corp', loginName: 'ghost' } });
    await s.call('/user/delete', { id });
    expect((await s.rpc('/user/get', { id })).error?.data.name).toBe('USER_NOT_FOUND');
    expect((await s.rpc('/user/get', { 'domain.name': 'corp', loginName: 'ghost' })).error?.data.name).toBe('USER_NOT_FOUND');
    expect(await s.db.query('SELECT login_name, deleted_at IS NOT NULL AS deleted FROM users WHERE id = $1', [id]))
      .toEqual([{ login_name: 'ghost', deleted: true }]);
  });

  it.each([
    ['nothing that names a user', {}],
    ['a loginName without a domain', { loginName: 'alice' }],
    ['a domain without a loginName', { domain: { name: 'corp' } }],
    ['an unknown match field', { match: [['password', '=', 'x']] }],
  ])('when params hold %s then INVALID_PARAMS', async (_what, params) => {
    expect((await s.rpc('/user/get', params)).error?.data.name).toBe('INVALID_PARAMS');
  });
});
