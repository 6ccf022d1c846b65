import { startTestServer, TestServer } from '../../support/server';
import { importCsv, RFC4226_CODES, RFC4226_SEED_HEX } from '../token/fixtures';
import { assignmentsOf, createTokens, uploadCsv } from '../token/batch-fixtures';

/**
 * Names compared as a directory compares them (PRECIS UsernameCaseMapped, RFC 8265):
 * "José" with U+00E9, "jose" + U+0301 and "JOSÉ" are one user everywhere a name is used.
 */
const COMPOSED = 'Jos\u00E9';
const DECOMPOSED = 'jose\u0301';
const CAPITALS = 'JOS\u00C9';

let s: TestServer;
let domainId: string;
let userId: string;
beforeAll(async () => {
  s = await startTestServer();
  domainId = (await s.call('/domain/create', { attrs: { name: 'Åland' } })).id; // Å: U+00C5
  userId = (await s.call('/user/create', { attrs: { domain: { name: 'Åland' }, loginName: COMPOSED } })).id;
});
afterAll(() => s.close());

describe('/user/create and /domain/create', () => {
  it.each([DECOMPOSED, CAPITALS])('when %j is created beside "José" then CONFLICT, and no second user exists', async (loginName) => {
    const reply = await s.rpc('/user/create', { attrs: { domain: { name: 'Åland' }, loginName } });
    expect(reply.error).toEqual({
      code: 5004, message: 'A user with this domain and loginName already exists', data: { name: 'CONFLICT', reason: 'DUPLICATE', fields: ['domain', 'loginName'] },
    });
    expect(await s.db.query('SELECT login_name FROM users WHERE domain_id = $1', [domainId])).toEqual([{ login_name: COMPOSED }]);
  });

  it('when a domain differs only in case and Unicode form then CONFLICT on name', async () => {
    const reply = await s.rest('/domain/create', { attrs: { name: 'A\u030ALAND' } }); // A + combining ring, capitals
    expect([reply.status, reply.body.name, reply.body.data]).toEqual([409, 'CONFLICT', { reason: 'DUPLICATE', fields: ['name'] }]);
  });

  it('when a user is renamed onto a look-alike of another then CONFLICT', async () => {
    const other = await s.call('/user/create', { attrs: { domain: { id: domainId }, loginName: 'other' } });
    const reply = await s.rpc('/user/set', { id: other.id, attrs: { loginName: CAPITALS } });
    expect(reply.error?.data).toEqual({ name: 'CONFLICT', reason: 'DUPLICATE', fields: ['domain', 'loginName'] });
  });
});

describe('/user/get and /user/search', () => {
  it.each([COMPOSED, DECOMPOSED, CAPITALS])('when named %j in a domain spelled with a combining ring then the one user, kept as given', async (loginName) => {
    const user = await s.call('/user/get', { domain: { name: 'A\u030Aland' }, loginName, return: ['id', 'loginName', 'domain'] });
    expect(user).toEqual({ id: userId, loginName: COMPOSED, domain: { id: domainId, name: 'Åland' } });
  });

  it('when search matches loginName with = or like in another form then it finds the user', async () => {
    const equal = await s.call('/user/search', { match: [['loginName', '=', DECOMPOSED], ['domain.name', '=', 'åLAND']], return: ['id'] });
    expect(equal).toEqual({ total: 1, rows: [{ id: userId }] });
    const like = await s.call('/user/search', { match: [['loginName', 'like', 'JOSE\u0301%']], return: ['id'] });
    expect(like).toEqual({ total: 1, rows: [{ id: userId }] });
  });

  it('when a domain is searched by name in capitals then it is found', async () => {
    expect(await s.call('/domain/search', { match: [['name', '=', 'ÅLAND']], return: ['id'] })).toEqual({ total: 1, rows: [{ id: domainId }] });
  });
});

describe('/token/create, /token/assign and /auth/verify by name', () => {
  it('when a token is created for user {domain.name, loginName} in another form then it belongs to "José", and verify by a third form succeeds', async () => {
    const created = await s.call('/token/create', {
      attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { domain: { name: 'ÅLAND' }, loginName: DECOMPOSED } },
      return: ['id', 'assignedUsers'],
    });
    expect(created.assignedUsers.map((u: { id: string }) => u.id)).toEqual([userId]);

    const serial = `NAMEKEY${Date.now()}`;
    expect((await importCsv(s, [`${serial}, ${RFC4226_SEED_HEX}, HOTP, 6, 0`])).result.total).toBe(1);
    await s.call('/token/assign', { token: { serial }, user: { domain: { name: 'a\u030Aland' }, loginName: CAPITALS } });
    const verified = await s.call('/auth/verify', { user: { domain: { name: 'Åland' }, loginName: DECOMPOSED }, credential: { otp: RFC4226_CODES[0] } });
    expect(verified).toEqual({ verified: true, serial });
  });
});

describe('/token/batchAssignTokens by name', () => {
  it('when CSV rows name "José" three ways then every token goes to the one existing user', async () => {
    await createTokens(s, ['NK-A-1', 'NK-A-2', 'NK-A-3']);
    const csv = ['domain,loginName,manufacturerCode,productCode,serial',
      `ÅLAND,${COMPOSED},DN,ST,NK-A-1`, `åland,${DECOMPOSED},DN,ST,NK-A-2`, `A\u030Aland,${CAPITALS},DN,ST,NK-A-3`].join('\n');
    const reply = await uploadCsv(s, csv);
    expect(reply.body).toEqual({ error: 0, result: { total: 3, assigned: 3, failed: 0, errors: [] } });
    const owners = await s.db.query(
      `SELECT DISTINCT a.user_id FROM token_assignments a JOIN tokens t ON t.id = a.token_id WHERE t.serial LIKE 'NK-A-%'`);
    expect(owners).toEqual([{ user_id: userId }]);
  });

  it('when createUsers meets one new name in three forms then one user is created, spelled as on its first line', async () => {
    await createTokens(s, ['NK-B-1', 'NK-B-2', 'NK-B-3']);
    const csv = ['domain,loginName,manufacturerCode,productCode,serial',
      'Åland,Zo\u00EB,DN,ST,NK-B-1', 'Åland,zoe\u0308,DN,ST,NK-B-2', 'Åland,ZO\u00CB,DN,ST,NK-B-3'].join('\n');
    const reply = await uploadCsv(s, csv, { query: { createUsers: true } });
    expect(reply.body).toEqual({ error: 0, result: { total: 3, assigned: 3, failed: 0, errors: [] } });
    expect((await assignmentsOf(s, 'NK-B-')).map((a) => a.loginName)).toEqual(['Zo\u00EB', 'Zo\u00EB', 'Zo\u00EB']);
    expect(await s.db.query(`SELECT count(*)::int AS n FROM users WHERE login_name_key = 'zo\u00EB'`)).toEqual([{ n: 1 }]);
  });
});
