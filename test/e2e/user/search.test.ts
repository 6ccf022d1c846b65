import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  for (const name of ['corp', 'lab']) await s.call('/domain/create', { attrs: { name } });
  const people: Array<[string, string, string, string | null]> = [
    ['corp', 'alice', 'ACTIVE', 'alice@corp.example'],
    ['corp', 'bob', 'LOCKED', 'bob@corp.example'],
    ['corp', 'carol', 'DISABLED', null],
    ['lab', 'alice', 'ACTIVE', 'alice@lab.example'],
    ['lab', 'dave', 'INACTIVE', 'dave@lab.example'],
  ];
  for (const [domain, loginName, status, email] of people) {
    await s.call('/user/create', { attrs: { 'domain.name': domain, loginName, status, email } });
  }
  const { id } = await s.call('/user/create', { attrs: { 'domain.name': 'corp', loginName: 'zed' } });
  await s.call('/user/delete', { id });
});
afterAll(() => s.close());

const logins = async (params: object) => {
  const { total, rows } = await s.call('/user/search', { ...params, return: ['loginName', { domain: ['name'] }] });
  return { total, users: rows.map((r: { loginName: string; domain: { name: string } }) => `${r.domain.name}/${r.loginName}`) };
};

describe('/user/search', () => {
  it('when called without params then every live user, by domain then loginName, with their domain', async () => {
    const { total, rows } = await s.call('/user/search', {});
    expect(total).toBe(5);
    expect(rows[0]).toEqual({
      id: expect.any(String), domain: { id: expect.any(String), name: 'corp' }, loginName: 'alice', firstName: null, lastName: null,
      email: 'alice@corp.example', mobile: null, status: 'ACTIVE', createdAt: expect.any(String),
    });
    expect(await logins({})).toEqual({ total: 5, users: ['corp/alice', 'corp/bob', 'corp/carol', 'lab/alice', 'lab/dave'] });
  });

  it.each([
    [[['domain.name', '=', 'lab']], ['lab/alice', 'lab/dave']],
    [[['status', '!=', 'ACTIVE']], ['corp/bob', 'corp/carol', 'lab/dave']],
    [[['status', 'in', ['LOCKED', 'DISABLED']]], ['corp/bob', 'corp/carol']],
    [[['email', 'like', '%@lab.example']], ['lab/alice', 'lab/dave']],
    [[['email', '=', null]], ['corp/carol']],
    [[['loginName', '>=', 'bob'], ['loginName', '<', 'dave']], ['corp/bob', 'corp/carol']],
    [[['loginNam', '<=', 'alice'], ['domain.name', '>', 'corp']], ['lab/alice']],
    [[['createdAt', '>', '2000-01-01T00:00:00Z'], ['domain.name', '=', 'corp']], ['corp/alice', 'corp/bob', 'corp/carol']],
  ])('when matching %j then %j', async (match, expected) => {
    expect(await logins({ match })).toEqual({ total: expected.length, users: expected });
  });

  it('when matching domain.id then that domain only', async () => {
    const { id } = await s.call('/domain/get', { match: [['name', '=', 'lab']] });
    expect(await logins({ match: [['domain.id', '=', id]] })).toEqual({ total: 2, users: ['lab/alice', 'lab/dave'] });
  });

  it('when ordered and paged then total counts every match', async () => {
    expect(await logins({ orderBy: ['-loginName', 'domain.name'], offset: 1, limit: 3 }))
      .toEqual({ total: 5, users: ['corp/carol', 'corp/bob', 'corp/alice'] });
    expect(await logins({ orderBy: 'domain.name desc', limit: 1 })).toEqual({ total: 5, users: ['lab/alice'] });
  });

  it('when a deleted user is matched then it is not there (legacy envelope)', async () => {
    const { status, body } = await s.rest('/user/search', { match: [['loginName', '=', 'zed']] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { total: 0, rows: [] } });
  });

  it.each([
    ['an unknown match field', { match: [['domain.color', '=', 'x']] }],
    ['a malformed domain.id', { match: [['domain.id', '=', 'lab']] }],
    ['an unknown orderBy field', { orderBy: 'password' }],
    ['a limit of 0', { limit: 0 }],
  ])('when params hold %s then 400 INVALID_PARAMS', async (_what, params) => {
    const { status, body } = await s.rest('/user/search', params);
    expect(status).toBe(400);
    expect(body.name).toBe('INVALID_PARAMS');
  });
});
