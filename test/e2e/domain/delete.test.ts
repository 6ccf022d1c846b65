import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const createDomain = async (name: string) => (await s.call('/domain/create', { attrs: { name } })).id as string;
const createUser = async (domain: string, loginName: string) =>
  (await s.call('/user/create', { attrs: { 'domain.name': domain, loginName } })).id as string;
const deletedAt = async (table: 'domains' | 'users', id: string) =>
  (await s.db.query(`SELECT deleted_at FROM ${table} WHERE id = $1`, [id]))[0].deleted_at;

/** A token assigned to the user, written directly: the token methods belong to another family. */
async function assignToken(userId: string, serial: string): Promise<string> {
  const [{ id }] = await s.db.query(
    `INSERT INTO tokens (product_id, serial, seed_sealed, algorithm, digits)
     SELECT id, $1, '\\x00', algorithm, digits FROM products WHERE product_code = 'MT' RETURNING id`, [serial]);
  await s.db.query('INSERT INTO token_assignments (token_id, user_id) VALUES ($1, $2)', [id, userId]);
  return id;
}

describe('/domain/delete', () => {
  it('when the domain is empty then it is soft-deleted: gone from the API, its tombstone in the table', async () => {
    const id = await createDomain('empty');
    expect(await s.call('/domain/delete', { id })).toEqual({ id, deletedUsers: 0 });
    expect(await deletedAt('domains', id)).toBeInstanceOf(Date);
    expect((await s.rpc('/domain/get', { id })).error?.data.name).toBe('DOMAIN_NOT_FOUND');
  });

  it('when deleted twice or never created then 404 DOMAIN_NOT_FOUND (legacy envelope)', async () => {
    const id = await createDomain('twice');
    await s.call('/domain/delete', { id });
    const first = await deletedAt('domains', id);
    const { status, body } = await s.rest('/domain/delete', { id });
    expect(status).toBe(404);
    expect(body.name).toBe('DOMAIN_NOT_FOUND');
    expect(await deletedAt('domains', id)).toEqual(first);
    expect((await s.rest('/domain/delete', { id: '00000000-0000-4000-8000-000000000000' })).body.name).toBe('DOMAIN_NOT_FOUND');
  });

  it('when the domain still has live users then 409 DOMAIN_NOT_EMPTY and nothing changes', async () => {
    const id = await createDomain('busy');
    const alice = await createUser('busy', 'alice');
    await createUser('busy', 'bob');
    const { status, body } = await s.rest('/domain/delete', { id, attrs: { cascade: false } });
    expect(status).toBe(409);
    expect(body).toEqual({
      error: 5003, name: 'DOMAIN_NOT_EMPTY', message: 'The domain still has 2 user(s); delete them or pass attrs.cascade', data: { users: 2 },
    });
    expect(await deletedAt('domains', id)).toBeNull();
    expect(await deletedAt('users', alice)).toBeNull();
  });

  it('when its only users were deleted before then it deletes without cascade', async () => {
    const id = await createDomain('emptied');
    await s.call('/user/delete', { id: await createUser('emptied', 'carol') });
    expect(await s.call('/domain/delete', { id })).toEqual({ id, deletedUsers: 0 });
  });

  it('when attrs.cascade is true then its users are soft-deleted too and lose their token assignments, the tokens stay', async () => {
    const id = await createDomain('doomed');
    const dave = await createUser('doomed', 'dave');
    const erin = await createUser('doomed', 'erin');
    const bystander = await createUser((await s.call('/domain/get', { id: await createDomain('other') })).name, 'dave');
    const token = await assignToken(dave, 'CASCADE-1');
    await s.db.query('INSERT INTO token_assignments (token_id, user_id, role) VALUES ($1, $2, $3)', [token, bystander, 'shared']);

    expect(await s.call('/domain/delete', { id, 'attrs.cascade': true })).toEqual({ id, deletedUsers: 2 });
    expect(await deletedAt('domains', id)).toBeInstanceOf(Date);
    expect(await deletedAt('users', dave)).toBeInstanceOf(Date);
    expect(await deletedAt('users', erin)).toBeInstanceOf(Date);
    expect(await deletedAt('users', bystander)).toBeNull();
    expect(await s.db.query('SELECT user_id FROM token_assignments WHERE token_id = $1', [token])).toEqual([{ user_id: bystander }]);
    expect(await s.db.query('SELECT serial FROM tokens WHERE id = $1', [token])).toEqual([{ serial: 'CASCADE-1' }]);
    expect((await s.rpc('/user/get', { id: dave })).error?.data.name).toBe('USER_NOT_FOUND');
  });

  it('when attrs hold an unknown field then QUERY_FIELD_NOT_ALLOWED', async () => {
    const id = await createDomain('strict');
    expect((await s.rpc('/domain/delete', { id, attrs: { force: true } })).error?.data.name).toBe('QUERY_FIELD_NOT_ALLOWED');
    expect(await deletedAt('domains', id)).toBeNull();
  });
});
