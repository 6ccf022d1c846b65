import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/token/get', () => {
  it('when named by id, by serial or by match then the same token comes back, without its seed', async () => {
    const user = await makeUser(s);
    const created = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
    const byId = await s.call('/token/get', { id: created.id });
    expect(byId).toEqual(created);
    expect(await s.call('/token/get', { token: { serial: created.serial } })).toEqual(created);
    expect(await s.call('/token/get', { match: [['serial', '=', created.serial]] })).toEqual(created);
    expect(Object.keys(byId)).not.toContain('seed');
    expect(JSON.stringify(byId)).not.toMatch(/seed|sealed/i);
  });

  it('when `return` names fields and relations then only those come back', async () => {
    const user = await makeUser(s);
    const created = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
    const got = await s.call('/token/get', { id: created.id, return: ['serial', { assignedUsers: ['loginName'] }, { product: ['productCode'] }] });
    expect(got).toEqual({ serial: created.serial, assignedUsers: [{ loginName: user.loginName }], product: { productCode: 'MT' } });
    const simple = await s.call('/token/get', { id: created.id, return: ['*'] });
    expect(Object.keys(simple).sort()).toEqual(
      ['algorithm', 'confined', 'counter', 'createdAt', 'description', 'digits', 'drift', 'failCount', 'id', 'identifier', 'lastUsedAt', 'locked', 'period', 'repository', 'serial', 'status', 'type']); // repository is null here, a simple value
  });

  it('when a serial exists under two products and no product is named then CONFLICT; naming the product finds it', async () => {
    await importCsv(s, [`TWIN-1,${'aa'.repeat(20)},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
    await importCsv(s, [`TWIN-1,${'bb'.repeat(20)},HOTP,6,0`], { product: { manufacturerCode: 'DN', productCode: 'SE' } });
    expect((await s.rpc('/token/get', { token: { serial: 'TWIN-1' } })).error?.data.name).toBe('CONFLICT');
    const got = await s.call('/token/get', { token: { serial: 'TWIN-1', product: { manufacturerCode: 'DN', productCode: 'SE' } } });
    expect(got.product).toMatchObject({ manufacturerCode: 'DN', productCode: 'SE', hardware: true });
  });

  it('when a counter exceeds 2^53 - 1 then it is returned as its exact decimal string, smaller ones as numbers', async () => {
    await importCsv(s, [
      `BIG-1,${'aa'.repeat(20)},HOTP,6,9007199254740991`, // 2^53 - 1
      `BIG-2,${'aa'.repeat(20)},HOTP,6,9007199254740993`, // 2^53 + 1: a double would say …992
      `BIG-3,${'aa'.repeat(20)},HOTP,6,9223372036854775807`, // 2^63 - 1
    ]);
    const counterOf = async (serial: string) => (await s.call('/token/get', { token: { serial } })).counter;
    expect(await counterOf('BIG-1')).toBe(9007199254740991);
    expect(await counterOf('BIG-2')).toBe('9007199254740993');
    expect(await counterOf('BIG-3')).toBe('9223372036854775807');
    const found = await s.call('/token/search', { match: [['serial', 'like', 'BIG-%']], orderBy: 'serial', return: ['serial', 'counter'] });
    expect(found).toEqual({ total: 3, rows: [
      { serial: 'BIG-1', counter: 9007199254740991 }, { serial: 'BIG-2', counter: '9007199254740993' },
      { serial: 'BIG-3', counter: '9223372036854775807' }] });
  });

  it.each([
    ['an unknown id', { id: '00000000-0000-4000-8000-000000000000' }, 'TOKEN_NOT_FOUND'],
    ['an unknown serial', { token: { serial: 'nope' } }, 'TOKEN_NOT_FOUND'],
    ['nothing to find it by', {}, 'INVALID_PARAMS'],
    ['a match on an unknown field', { match: [['seed', '=', 'x']] }, 'INVALID_PARAMS'],
  ])('when given %s then %s', async (_what, params, name) => {
    expect((await s.rpc('/token/get', params)).error?.data.name).toBe(name);
  });
});
