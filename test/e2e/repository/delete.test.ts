import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const create = async (name: string) => (await s.call('/repository/create', { attrs: { name } })).id as string;
const exists = async (id: string) => (await s.db.query('SELECT count(*)::int AS n FROM repositories WHERE id = $1', [id]))[0].n === 1;

describe('/repository/delete', () => {
  it('when no token is in the repository then it is deleted for good and its name is free', async () => {
    const id = await create('empty');
    expect(await s.call('/repository/delete', { id })).toEqual({ id });
    expect(await exists(id)).toBe(false);
    expect(await s.call('/repository/create', { attrs: { name: 'empty' } })).toEqual({ id: expect.any(String) });
  });

  it('when tokens are in the repository then 409 CONFLICT and it stays (legacy envelope)', async () => {
    const id = await create('stocked');
    await s.db.query(
      `INSERT INTO tokens (product_id, repository_id, serial, seed_sealed, algorithm, digits)
       SELECT p.id, $1, 'R-1', '\\x00', 'SHA1', 6 FROM products p WHERE p.product_code = 'SE'`, [id]);
    const { status, body } = await s.rest('/repository/delete', { id });
    expect(status).toBe(409);
    expect(body).toEqual({
      error: 5004, name: 'CONFLICT', message: 'The repository is still used by 1 token(s)',
      data: { reason: 'IN_USE', tokens: 1 },
    });
    expect(await exists(id)).toBe(true);
  });

  it('when the repository does not exist then REPOSITORY_NOT_FOUND', async () => {
    const reply = await s.rpc('/repository/delete', { id: '00000000-0000-4000-8000-000000000000' });
    expect(reply.error).toEqual({ code: 4005, message: 'Repository not found', data: { name: 'REPOSITORY_NOT_FOUND' } });
  });
});
