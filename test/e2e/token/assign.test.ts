import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const assignments = (serial: string) => s.db.query(
  `SELECT a.user_id AS "userId", a.role, a.pin_hash IS NOT NULL AS "hasPin" FROM token_assignments a JOIN tokens t ON t.id = a.token_id
    WHERE t.serial = $1 ORDER BY a.created_at`, [serial]);

describe('/token/assign', () => {
  beforeAll(() => importCsv(s, ['A-1', 'A-2', 'A-3', 'A-4'].map((serial) => `${serial},${'aa'.repeat(20)},HOTP,6,0`)));

  it('when a free token is assigned then the user becomes its owner, with the PIN hashed', async () => {
    const user = await makeUser(s);
    const reply = await s.call('/token/assign', { token: { serial: 'A-1' }, user: { id: user.id }, pin: '9876' });
    expect(reply).toEqual({ id: expect.any(String), serial: 'A-1', user: { id: user.id }, role: 'owner' });
    expect(await assignments('A-1')).toEqual([{ userId: user.id, role: 'owner', hasPin: true }]);
  });

  it('when the token has an owner then TOKEN_ALREADY_ASSIGNED, unless shared is true', async () => {
    const owner = await makeUser(s);
    const other = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'A-2' }, user: { id: owner.id } });
    const { status, body } = await s.rest('/token/assign', { token: { serial: 'A-2' }, user: { id: other.id } });
    expect(status).toBe(409);
    expect(body.name).toBe('TOKEN_ALREADY_ASSIGNED');
    expect(await s.call('/token/assign', { token: { serial: 'A-2' }, user: { id: other.id }, shared: true })).toMatchObject({ role: 'shared' });
    const token = await s.call('/token/get', { token: { serial: 'A-2' }, return: [{ assignedUsers: ['id'] }, { sharedUsers: ['id'] }, { users: ['id'] }] });
    expect(token).toEqual({ assignedUsers: [{ id: owner.id }], sharedUsers: [{ id: other.id }], users: [{ id: owner.id }, { id: other.id }] });
  });

  it('when the user already holds the token then TOKEN_ALREADY_ASSIGNED, shared or not', async () => {
    const user = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'A-3' }, user: { id: user.id } });
    for (const shared of [false, true]) {
      expect((await s.rpc('/token/assign', { token: { serial: 'A-3' }, user: { id: user.id }, shared })).error?.data.name).toBe('TOKEN_ALREADY_ASSIGNED');
    }
    expect(await assignments('A-3')).toHaveLength(1);
  });

  it('when the token is named by id and the user by domain and loginName then it works the same', async () => {
    const user = await makeUser(s);
    const [{ id }] = await s.db.query(`SELECT id FROM tokens WHERE serial = 'A-4'`);
    expect(await s.call('/token/assign', { id, user: { domain: { name: user.domain.name }, loginNam: user.loginName } })).toMatchObject({ serial: 'A-4', role: 'owner' });
  });

  it.each([
    ['an unknown token', { token: { serial: 'nope' } }, 'TOKEN_NOT_FOUND'],
    ['an unknown user', { token: { serial: 'A-1' }, user: { id: '00000000-0000-4000-8000-000000000000' } }, 'USER_NOT_FOUND'],
    ['a short PIN', { token: { serial: 'A-1' }, pin: '12' }, 'INVALID_PARAMS'],
  ])('when given %s then %s', async (_what, params, name) => {
    const user = await makeUser(s);
    expect((await s.rpc('/token/assign', { user: { id: user.id }, ...params })).error?.data.name).toBe(name);
  });
});
