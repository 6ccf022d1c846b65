import { DirectorySource } from '../../../src/services/directory/ldap/directory-source';
import { startTestServer, TestServer } from '../../support/server';
import { describeWithSlapd, Slapd, startSlapd } from '../../support/slapd';
import { createTokens, uploadCsv } from '../token/batch-fixtures';

let s: TestServer;
let ldap: Slapd;
const ROWS = 10_000;

describeWithSlapd('/token/batchAssignTokens on a directory domain (against slapd)', () => {
  beforeAll(async () => {
    ldap = await startSlapd({ users: ROWS });
    s = await startTestServer();
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await ldap?.close();
  });

  const uid = (i: number) => `user${String(i).padStart(5, '0')}`;
  async function directoryDomain(name: string) {
    await s.call('/domain/create', { attrs: { name, directory: {
      url: ldap.url, bindDn: ldap.adminDn, bindPassword: ldap.adminPassword, baseDn: ldap.baseDn, loginAttribute: 'uid',
    } } });
  }

  it('when a CSV of 10k rows names directory users then they are resolved from one read of the directory and assigned; unknown names fail their rows', async () => {
    await directoryDomain('corp');
    const scan = jest.spyOn(DirectorySource.prototype, 'scanLogins');
    const byName = jest.spyOn(DirectorySource.prototype, 'findByLogins');
    const serials = Array.from({ length: ROWS + 1 }, (_, i) => `DIRB-${String(i + 1).padStart(5, '0')}`);
    await createTokens(s, serials);
    const lines = serials.map((serial, i) => `corp,${i < ROWS ? uid(i + 1).toUpperCase() : 'nobody)(uid=*'},DN,ST,${serial}`);
    const reply = await uploadCsv(s, ['domain,loginName,manufacturerCode,productCode,serial', ...lines].join('\n'), { query: { mode: 'partial' } });
    expect(reply.status).toBe(200);
    expect(reply.body.result).toEqual({
      total: ROWS + 1, assigned: ROWS, failed: 1,
      errors: [{ line: ROWS + 2, serial: `DIRB-${ROWS + 1}`, name: 'USER_NOT_FOUND', message: expect.any(String) }],
    });
    const [{ n, distinct }] = await s.db.query(`
      SELECT count(*)::int AS n, count(DISTINCT u.directory_id)::int AS distinct FROM token_assignments a
        JOIN tokens t ON t.id = a.token_id JOIN users u ON u.id = a.user_id WHERE t.serial LIKE 'DIRB-%' AND u.login_name = lower(u.login_name)`);
    expect([n, distinct]).toEqual([ROWS, ROWS]);
    // two chunks of 5,000 names (over the default 2,000): the directory read once, for both
    expect([scan.mock.calls.length, byName.mock.calls.length]).toEqual([1, 0]);
    jest.restoreAllMocks();
  }, 60_000);

  it('when createUsers is asked on a directory domain then the whole call is DOMAIN_READ_ONLY and nothing is written', async () => {
    await directoryDomain('corp2');
    await createTokens(s, ['DIRB-RO-1']);
    const reply = await uploadCsv(s, `domain,loginName,manufacturerCode,productCode,serial\ncorp2,${uid(1)},DN,ST,DIRB-RO-1\n`, { query: { createUsers: true } });
    expect([reply.status, reply.body.name]).toEqual([409, 'DOMAIN_READ_ONLY']);
    expect(await s.db.query(`SELECT 1 FROM token_assignments a JOIN tokens t ON t.id = a.token_id WHERE t.serial = 'DIRB-RO-1'`)).toEqual([]);
  });
});
