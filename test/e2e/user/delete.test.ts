import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await s.call('/domain/create', { attrs: { name: 'corp' } });
});
afterAll(() => s.close());

const createUser = async (loginName: string) =>
  (await s.call('/user/create', { attrs: { 'domain.name': 'corp', loginName } })).id as string;
const deletedAt = async (id: string) => (await s.db.query('SELECT deleted_at FROM users WHERE id = $1', [id]))[0].deleted_at;

/** A token written directly (the token methods belong to another family), assigned to the users given. */
async function tokenFor(serial: string, owner: string, shared: string[] = []): Promise<string> {
  const [{ id }] = await s.db.query(
    `INSERT INTO tokens (product_id, serial, seed_sealed, algorithm, digits)
     SELECT id, $1, '\\x00', algorithm, digits FROM products WHERE product_code = 'MT' RETURNING id`, [serial]);
  await s.db.query(
    `INSERT INTO token_assignments (token_id, user_id, role)
     SELECT $1, u, CASE WHEN u = $2 THEN 'owner' ELSE 'shared' END FROM unnest($3::uuid[]) AS u`, [id, owner, [owner, ...shared]]);
  return id;
}

describe('/user/delete', () => {
  it('when the user exists then it is soft-deleted: gone from the API, its tombstone in the table', async () => {
    const id = await createUser('alice');
    expect(await s.call('/user/delete', { id })).toEqual({ id, unassignedTokens: 0 });
    expect(await deletedAt(id)).toBeInstanceOf(Date);
    expect((await s.rpc('/user/get', { id })).error?.data.name).toBe('USER_NOT_FOUND');
  });

  it('when the user holds tokens then the assignments go and the tokens stay (legacy envelope)', async () => {
    const bob = await createUser('bob');
    const carol = await createUser('carol');
    const own = await tokenFor('DEL-1', bob);
    const sharedWithBob = await tokenFor('DEL-2', carol, [bob]);
    const { status, body } = await s.rest('/user/delete', { id: bob });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { id: bob, unassignedTokens: 2 } });
    expect(await s.db.query('SELECT token_id, user_id FROM token_assignments ORDER BY token_id'))
      .toEqual([{ token_id: sharedWithBob, user_id: carol }]);
    expect(await s.db.query('SELECT count(*)::int AS n FROM tokens WHERE id = ANY($1)', [[own, sharedWithBob]])).toEqual([{ n: 2 }]);
  });

  it('when deleted twice or never created then 404 USER_NOT_FOUND and the tombstone keeps its time', async () => {
    const id = await createUser('dave');
    await s.call('/user/delete', { id });
    const first = await deletedAt(id);
    const { status, body } = await s.rest('/user/delete', { id });
    expect(status).toBe(404);
    expect(body).toEqual({ error: 4001, name: 'USER_NOT_FOUND', message: 'User not found', data: {} });
    expect(await deletedAt(id)).toEqual(first);
    expect((await s.rpc('/user/delete', { id: '00000000-0000-4000-8000-000000000000' })).error?.data.name).toBe('USER_NOT_FOUND');
  });

  it('when params are not an id then INVALID_PARAMS or QUERY_FIELD_NOT_ALLOWED, and nothing changes', async () => {
    const id = await createUser('erin');
    expect((await s.rpc('/user/delete', { id: 'erin' })).error?.data.name).toBe('INVALID_PARAMS');
    expect((await s.rpc('/user/delete', { id, cascade: true })).error?.data.name).toBe('QUERY_FIELD_NOT_ALLOWED');
    expect(await deletedAt(id)).toBeNull();
  });
});
