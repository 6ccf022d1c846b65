import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
let corpId: string;
beforeAll(async () => {
  s = await startTestServer();
  corpId = (await s.call('/domain/create', { attrs: { name: 'corp' } })).id;
  await s.call('/domain/create', { attrs: { name: 'lab' } });
});
afterAll(() => s.close());

const userRow = async (id: string) => (await s.db.query(
  `SELECT d.name AS domain, u.login_name, u.first_name, u.last_name, u.email, u.mobile, u.status, u.deleted_at
     FROM users u JOIN domains d ON d.id = u.domain_id WHERE u.id = $1`, [id]))[0];
const userCount = async () => (await s.db.query('SELECT count(*)::int AS n FROM users'))[0].n;

describe('/user/create', () => {
  it('when attrs are complete then it answers {id} and stores every field', async () => {
    const result = await s.call('/user/create', { attrs: {
      domain: { name: 'corp' }, loginName: 'alice', firstName: 'Alice', lastName: 'Liddell',
      email: 'alice@example.com', mobile: '+44 20 7946 0000', status: 'INACTIVE',
    } });
    expect(result).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(await userRow(result.id)).toEqual({
      domain: 'corp', login_name: 'alice', first_name: 'Alice', last_name: 'Liddell',
      email: 'alice@example.com', mobile: '+44 20 7946 0000', status: 'INACTIVE', deleted_at: null,
    });
  });

  it('when the domain is a dotted "domain.name" and the login the "loginNam" alias then both work (legacy envelope)', async () => {
    const { status, body } = await s.rest('/user/create', { 'attrs.domain.name': 'lab', 'attrs.loginNam': 'bob' });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { id: expect.any(String) } });
    expect(await userRow(body.result.id)).toMatchObject({ domain: 'lab', login_name: 'bob', status: 'ACTIVE', first_name: null });
  });

  it('when the domain is named by id then it is used', async () => {
    const { id } = await s.call('/user/create', { attrs: { domain: { id: corpId }, loginName: 'carol' } });
    expect(await userRow(id)).toMatchObject({ domain: 'corp', login_name: 'carol' });
  });

  it('when the loginName is taken in the domain then 409 CONFLICT, while another domain may use it', async () => {
    await s.call('/user/create', { attrs: { domain: { name: 'corp' }, loginName: 'dave' } });
    const before = await userCount();
    const { status, body } = await s.rest('/user/create', { attrs: { domain: { name: 'corp' }, loginNam: 'dave' } });
    expect(status).toBe(409);
    expect(body).toEqual({
      error: 5004, name: 'CONFLICT', message: 'A user with this domain and loginName already exists',
      data: { reason: 'DUPLICATE', fields: ['domain', 'loginName'] },
    });
    expect(await userCount()).toBe(before);
    expect(await s.call('/user/create', { attrs: { domain: { name: 'lab' }, loginName: 'dave' } })).toEqual({ id: expect.any(String) });
  });

  it('when the loginName belonged to a deleted user then it can be used again', async () => {
    const { id } = await s.call('/user/create', { attrs: { domain: { name: 'corp' }, loginName: 'erin' } });
    await s.call('/user/delete', { id });
    const again = await s.call('/user/create', { attrs: { domain: { name: 'corp' }, loginName: 'erin' } });
    expect(again.id).not.toBe(id);
  });

  it('when the domain is unknown, deleted, or id and name disagree then DOMAIN_NOT_FOUND and nothing is stored', async () => {
    const { id: goneId } = await s.call('/domain/create', { attrs: { name: 'gone' } });
    await s.call('/domain/delete', { id: goneId });
    const before = await userCount();
    for (const domain of [{ name: 'nowhere' }, { name: 'gone' }, { id: goneId }, { id: corpId, name: 'lab' }]) {
      const reply = await s.rpc('/user/create', { attrs: { domain, loginName: 'frank' } });
      expect(reply.error).toEqual({ code: 4003, message: 'Domain not found', data: { name: 'DOMAIN_NOT_FOUND' } });
    }
    expect(await userCount()).toBe(before);
  });

  it.each([
    ['no domain', { loginName: 'x' }, 'INVALID_PARAMS'],
    ['no loginName', { domain: { name: 'corp' } }, 'INVALID_PARAMS'],
    ['an empty domain', { domain: {}, loginName: 'x' }, 'INVALID_PARAMS'],
    ['a loginName with a trailing space', { domain: { name: 'corp' }, loginName: 'x ' }, 'INVALID_PARAMS'],
    ['a malformed email', { domain: { name: 'corp' }, loginName: 'x', email: 'not-an-email' }, 'INVALID_PARAMS'],
    ['a malformed mobile', { domain: { name: 'corp' }, loginName: 'x', mobile: 'call me' }, 'INVALID_PARAMS'],
    ['an unknown status', { domain: { name: 'corp' }, loginName: 'x', status: 'ASLEEP' }, 'INVALID_PARAMS'],
    ['an unknown field', { domain: { name: 'corp' }, loginName: 'x', password: 'secret' }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when attrs hold %s then %s and nothing is stored', async (_what, attrs, name) => {
    const before = await userCount();
    expect((await s.rpc('/user/create', { attrs })).error?.data.name).toBe(name);
    expect(await userCount()).toBe(before);
  });
});
