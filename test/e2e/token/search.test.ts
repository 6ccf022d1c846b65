import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeRepository, makeUser } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/token/search', () => {
  let repo: { id: string; name: string };
  let user: Awaited<ReturnType<typeof makeUser>>;
  beforeAll(async () => {
    repo = await makeRepository(s);
    user = await makeUser(s);
    const lines = Array.from({ length: 12 }, (_, i) => `SR-${String(i).padStart(2, '0')},${'aa'.repeat(20)},HOTP,6,0`);
    await importCsv(s, lines, { product: { manufacturerCode: 'OATH', productCode: 'HOTP' }, repository: { id: repo.id } });
    await importCsv(s, [`SR-T1,${'bb'.repeat(20)},TOTP,6,30`]);
    await s.call('/token/assign', { token: { serial: 'SR-03' }, user: { id: user.id } });
  });

  it('when matching and paging then total counts every match and rows hold one page, in order', async () => {
    const page = await s.call('/token/search', { match: [['serial', 'like', 'SR-%'], ['type', '=', 'HOTP']], orderBy: '-serial', offset: 2, limit: 3, return: ['serial'] });
    expect(page).toEqual({ total: 12, rows: [{ serial: 'SR-09' }, { serial: 'SR-08' }, { serial: 'SR-07' }] });
  });

  it('when matching on product and repository then only their tokens', async () => {
    const byRepo = await s.call('/token/search', { match: [['repository.name', '=', repo.name]], return: ['serial'] });
    expect(byRepo.total).toBe(12);
    const totp = await s.call('/token/search', { match: [['product.productCode', '=', 'TOTP'], ['serial', 'like', 'SR-%']], return: ['serial', { repository: ['name'] }] });
    expect(totp).toEqual({ total: 1, rows: [{ serial: 'SR-T1', repository: null }] });
  });

  it('when `user` is given then only the tokens that user holds', async () => {
    const held = await s.call('/token/search', { user: { id: user.id } });
    expect(held.total).toBe(1);
    expect(held.rows[0]).toMatchObject({ serial: 'SR-03', assignedUsers: [{ id: user.id }], users: [{ id: user.id }] });
  });

  it('when matching with in and on booleans then it filters', async () => {
    const r = await s.call('/token/search', { match: [['serial', 'in', ['SR-01', 'SR-02', 'nope']], ['locked', '=', false]], return: ['serial'], orderBy: 'serial' });
    expect(r).toEqual({ total: 2, rows: [{ serial: 'SR-01' }, { serial: 'SR-02' }] });
  });

  it('when no row carries a seed then the reply holds none', async () => {
    const r = await s.call('/token/search', { limit: 1000 });
    expect(JSON.stringify(r)).not.toMatch(/seed|sealed/i);
  });

  it.each([
    ['an unknown match field', { match: [['pin', '=', '1']] }, 'INVALID_PARAMS'],
    ['a limit over 1000', { limit: 1001 }, 'INVALID_PARAMS'],
    ['an unknown orderBy field', { orderBy: 'seed' }, 'INVALID_PARAMS'],
    ['an unknown parameter', { bogus: 1 }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when given %s then %s', async (_what, params, name) => {
    expect((await s.rpc('/token/search', params)).error?.data.name).toBe(name);
  });

  it('when the key has token:read then it may search', async () => {
    const key = await s.keyWith(['token:read']);
    expect((await s.rpc('/token/search', { limit: 1 }, key)).result.rows).toHaveLength(1);
  });
});
