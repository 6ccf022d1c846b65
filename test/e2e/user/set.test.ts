import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.call('/domain/create', { attrs: { name: 'corp' } });
});
afterAll(() => s.close());

const createUser = async (loginName: string, extra: object = {}) =>
  (await s.call('/user/create', { attrs: { 'domain.name': 'corp', loginName, ...extra } })).id as string;
const userRow = async (id: string) => (await s.db.query(
  'SELECT login_name, first_name, last_name, email, mobile, status FROM users WHERE id = $1', [id]))[0];

describe('/user/set', () => {
  it('when attrs change then it answers the changed user and stores it', async () => {
    const id = await createUser('alice', { firstName: 'Alice', email: 'alice@example.com' });
    const result = await s.call('/user/set', { id, attrs: { lastName: 'Liddell', email: null, status: 'LOCKED' } });
    expect(result).toEqual({
      id, domain: { id: expect.any(String), name: 'corp' }, loginName: 'alice', firstName: 'Alice', lastName: 'Liddell',
      email: null, mobile: null, status: 'LOCKED', createdAt: expect.any(String),
    });
    expect(await userRow(id)).toEqual({ login_name: 'alice', first_name: 'Alice', last_name: 'Liddell', email: null, mobile: null, status: 'LOCKED' });
  });

  it('when renamed through the loginNam alias then the new loginName is stored (legacy envelope, return)', async () => {
    const id = await createUser('bob');
    const { status, body } = await s.rest('/user/set', { id, 'attrs.loginNam': 'robert', return: ['loginName'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { loginName: 'robert' } });
    expect((await userRow(id)).login_name).toBe('robert');
  });

  it('when the new loginName is taken in the domain then CONFLICT and nothing changes', async () => {
    await createUser('carol');
    const id = await createUser('dave', { firstName: 'Dave' });
    const reply = await s.rpc('/user/set', { id, attrs: { loginName: 'carol', firstName: 'Lost' } });
    expect(reply.error).toMatchObject({ code: 5004, data: { name: 'CONFLICT', reason: 'DUPLICATE', fields: ['domain', 'loginName'] } });
    expect(await userRow(id)).toMatchObject({ login_name: 'dave', first_name: 'Dave' });
  });

  it('when asked to move the user to another domain then QUERY_FIELD_NOT_ALLOWED and nothing changes', async () => {
    await s.call('/domain/create', { attrs: { name: 'lab' } });
    const id = await createUser('erin');
    const reply = await s.rpc('/user/set', { id, 'attrs.domain.name': 'lab' });
    expect(reply.error).toMatchObject({ code: 1001, data: { name: 'QUERY_FIELD_NOT_ALLOWED' } });
    expect(await s.db.query('SELECT d.name FROM users u JOIN domains d ON d.id = u.domain_id WHERE u.id = $1', [id])).toEqual([{ name: 'corp' }]);
  });

  it('when the user was deleted or never existed then USER_NOT_FOUND and the tombstone is untouched', async () => {
    const id = await createUser('frank');
    await s.call('/user/delete', { id });
    expect((await s.rpc('/user/set', { id, attrs: { status: 'ACTIVE', firstName: 'Back' } })).error?.data.name).toBe('USER_NOT_FOUND');
    expect((await userRow(id)).first_name).toBeNull();
    const unknown = await s.rpc('/user/set', { id: '00000000-0000-4000-8000-000000000000', attrs: { status: 'ACTIVE' } });
    expect(unknown.error?.data.name).toBe('USER_NOT_FOUND');
  });

  it.each([
    ['empty attrs', { attrs: {} }, 'INVALID_PARAMS'],
    ['a bad status', { attrs: { status: 'GONE' } }, 'INVALID_PARAMS'],
    ['a bad email', { attrs: { email: 'nope' } }, 'INVALID_PARAMS'],
    ['an id in attrs', { attrs: { id: '00000000-0000-4000-8000-000000000000' } }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when params hold %s then %s', async (_what, params, name) => {
    const id = await createUser(`invalid-${JSON.stringify(params).length}-${name}`);
    expect((await s.rpc('/user/set', { id, ...params })).error?.data.name).toBe(name);
    expect((await userRow(id)).status).toBe('ACTIVE');
  });
});
