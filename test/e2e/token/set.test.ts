import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeRepository } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

async function importOne(serial: string) {
  const reply = await importCsv(s, [`${serial},${'aa'.repeat(20)},HOTP,6,0`]);
  return reply.result.rows[0].id as string;
}

describe('/token/set', () => {
  it('when status, description and repository are set then the token shows them', async () => {
    const id = await importOne('SET-1');
    const repo = await makeRepository(s);
    const token = await s.call('/token/set', { id, attrs: { status: 'DISABLED', description: 'spare', repository: { name: repo.name } } });
    expect(token).toMatchObject({ id, status: 'DISABLED', description: 'spare', repository: { id: repo.id, name: repo.name } });
    const [row] = await s.db.query('SELECT status, description, repository_id FROM tokens WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'DISABLED', description: 'spare', repository_id: repo.id });
  });

  it('when only one attribute is given then the others stay, and null clears description and repository', async () => {
    const id = await importOne('SET-2');
    const repo = await makeRepository(s);
    await s.call('/token/set', { id, attrs: { description: 'kept', repository: { id: repo.id } } });
    expect(await s.call('/token/set', { id, attrs: { status: 'DECEASED' } })).toMatchObject({ status: 'DECEASED', description: 'kept', repository: { id: repo.id } });
    expect(await s.call('/token/set', { id, attrs: { description: null, repository: null } })).toMatchObject({ status: 'DECEASED', description: null, repository: null });
  });

  it.each([
    ['an unknown status', { status: 'LOST' }, 'INVALID_PARAMS'],
    ['a field that cannot be set', { serial: 'x' }, 'QUERY_FIELD_NOT_ALLOWED'],
    ['no attribute', {}, 'INVALID_PARAMS'],
    ['an unknown repository', { repository: { name: 'nope' } }, 'REPOSITORY_NOT_FOUND'],
  ])('when given %s then %s and nothing changes', async (_what, attrs, name) => {
    const id = await importOne(`SET-E-${name}-${Object.keys(attrs).join()}`);
    expect((await s.rpc('/token/set', { id, attrs })).error?.data.name).toBe(name);
    const [row] = await s.db.query('SELECT status, description, repository_id FROM tokens WHERE id = $1', [id]);
    expect(row).toEqual({ status: 'ACTIVE', description: null, repository_id: null });
  });

  it('when the token does not exist then TOKEN_NOT_FOUND', async () => {
    expect((await s.rpc('/token/set', { id: '00000000-0000-4000-8000-000000000000', attrs: { status: 'ACTIVE' } })).error?.data.name).toBe('TOKEN_NOT_FOUND');
  });
});
