import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyUserPassword } from '../../../src/services/auth/verify-password';
import { verifyUserOtp } from '../../../src/services/auth/verify-otp';
import { DirectoryConnections } from '../../../src/services/directory/ldap/directory-connections';
import { UserResolver } from '../../../src/services/directory/user-resolver';
import { startTestServer, TestServer } from '../../support/server';
import { describeWithSlapd, makeTestCa, Slapd, startSlapd } from '../../support/slapd';
import { importCsv, RFC4226_CODES, RFC4226_SEED_HEX, tokenRow } from '../token/fixtures';

let s: TestServer;
let ldap: Slapd;
let caDir: string;
let ca: string;
/** The resolver's clock: the tests move it past cacheSeconds instead of sleeping. */
let now = Date.now();

const USERS = 3000;

describeWithSlapd('domains backed by a directory (SPEC §11, against slapd)', () => {
  beforeAll(async () => {
    caDir = mkdtempSync(join(tmpdir(), 'tg-ca-'));
    const files = makeTestCa(caDir);
    ca = readFileSync(files.ca, 'utf8');
    ldap = await startSlapd({ users: USERS, tls: { cert: files.cert, key: files.key } });
    s = await startTestServer({ resolverClock: () => now });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await ldap?.close();
    rmSync(caDir, { recursive: true, force: true });
  });

  const directory = (extra: Record<string, unknown> = {}) => ({
    url: ldap.url, bindDn: ldap.adminDn, bindPassword: ldap.adminPassword, baseDn: `ou=people,${ldap.baseDn}`, loginAttribute: 'uid',
    userFilter: '(objectClass=inetOrgPerson)', attributes: { firstName: 'givenName', lastName: 'sn', email: 'mail' }, cacheSeconds: 60, timeoutMs: 1000, ...extra,
  });
  let domainSeq = 0;
  async function directoryDomain(extra: Record<string, unknown> = {}, attrs: Record<string, unknown> = {}) {
    const name = `dir-${++domainSeq}`;
    const { id } = await s.call('/domain/create', { attrs: { name, directory: directory(extra), ...attrs } });
    return { id, name };
  }
  const errorName = (reply: { error?: { data: { name: string } } }) => reply.error?.data.name;
  /** An RFC 4226 HOTP token assigned (through the resolver) to `loginName` of `domain`. */
  async function hotpFor(domain: string, loginName: string, serial: string) {
    await importCsv(s, [`${serial},${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
    return s.call('/token/assign', { token: { serial }, user: { domain: { name: domain }, loginName } });
  }
  const verify = (domain: string, loginName: string, credential: { otp: string; pin?: string }) =>
    s.rpc('/auth/verify', { user: { domain: { name: domain }, loginName }, credential });

  it('when a directory domain is created then its settings read back with defaults and without the bind password', async () => {
    const { id, name } = await directoryDomain();
    const domain = await s.call('/domain/get', { id });
    expect(domain).toEqual({
      id, name, description: null, pinSource: 'token', createdAt: expect.any(String),
      directory: { ...directory(), bindPassword: undefined, idAttribute: 'entryUUID', startTls: false },
    });
    expect(JSON.stringify(domain)).not.toContain(ldap.adminPassword);
    const [row] = await s.db.query('SELECT directory_bind_password AS p FROM domains WHERE id = $1', [id]);
    expect(row.p.toString('latin1')).not.toContain(ldap.adminPassword);
  });

  it('when /domain/testDirectory is called then it answers ok with a sample, or names what failed', async () => {
    const good = await directoryDomain();
    expect(await s.call('/domain/testDirectory', { id: good.id })).toEqual({
      ok: true, latencyMs: expect.any(Number), sample: ['user00001', 'user00002', 'user00003', 'user00004', 'user00005'],
    });
    const refused = await directoryDomain({ bindPassword: 'wrong' });
    expect(await s.call('/domain/testDirectory', { id: refused.id })).toEqual({ ok: false, reason: 'BIND_REFUSED' });
    const noBase = await directoryDomain({ baseDn: 'ou=nowhere,dc=example,dc=com' });
    expect(await s.call('/domain/testDirectory', { id: noBase.id })).toEqual({ ok: false, reason: 'BASE_DN_NOT_FOUND' });
    const closed = await directoryDomain({ url: 'ldap://127.0.0.1:1' });
    expect(await s.call('/domain/testDirectory', { id: closed.id })).toEqual({ ok: false, reason: 'CANNOT_CONNECT' });
  });

  it('when a user is looked up by login then the directory answers it and /user/create is refused', async () => {
    const d = await directoryDomain();
    const user = await s.call('/user/get', { domain: { name: d.name }, loginName: 'User00042' });
    expect(user).toEqual({
      id: expect.any(String), domain: { id: d.id, name: d.name }, loginName: 'user00042', firstName: 'User', lastName: 'Number42',
      email: 'user00042@example.com', mobile: null, status: 'ACTIVE', createdAt: expect.any(String),
    });
    expect(await s.call('/user/get', { id: user.id })).toEqual(user);
    const created = await s.rest('/user/create', { attrs: { domain: { name: d.name }, loginName: 'someone' } });
    expect([created.status, created.body.name]).toEqual([409, 'DOMAIN_READ_ONLY']);
    const renamed = await s.rest('/user/set', { id: user.id, attrs: { loginName: 'someone' } });
    expect([renamed.status, renamed.body.name]).toEqual([409, 'DOMAIN_READ_ONLY']);
    expect(await s.call('/user/set', { id: user.id, attrs: { status: 'DISABLED' } })).toEqual({ ...user, status: 'DISABLED' });
  });

  it('when a directory domain is deleted then its pooled directory connections are closed', async () => {
    const d = await directoryDomain();
    await s.call('/user/get', { domain: { name: d.name }, loginName: 'user00007' }); // binds a pooled connection
    const close = jest.spyOn(DirectoryConnections.prototype, 'close');
    try {
      await s.call('/domain/delete', { id: d.id, attrs: { cascade: true } });
      expect(close).toHaveBeenCalledTimes(1);
    } finally {
      close.mockRestore();
    }
  });

  it('when /user/search pages through the directory then it is ordered by login, total is the directory count, tokens come from local data', async () => {
    const d = await directoryDomain();
    await hotpFor(d.name, 'user00602', 'DIR-SEARCH-1');
    const page = await s.call('/user/search', { match: [['domain.name', '=', d.name]], offset: 600, limit: 3 });
    expect(page.total).toBe(USERS);
    expect(page.rows.map((r: { loginName: string; tokens: unknown[] }) => [r.loginName, r.tokens])).toEqual([
      ['user00601', []], ['user00602', [{ id: expect.any(String), serial: 'DIR-SEARCH-1' }]], ['user00603', []],
    ]);
    const like = await s.call('/user/search', { match: [['domain.id', '=', d.id], ['loginName', 'like', 'user001%']], limit: 2 });
    expect([like.total, like.rows.map((r: { loginName: string }) => r.loginName)]).toEqual([100, ['user00100', 'user00101']]);
    // as the console's Users page asks, a domain picked (console/src/pages/users.tsx)
    const console = await s.call('/user/search', {
      match: [['domain.id', '=', d.id], ['loginName', 'like', '%0060%']], limit: 50, orderBy: ['domain.name', 'loginName'],
    });
    expect([console.total, console.rows.map((r: { loginName: string }) => r.loginName)])
      .toEqual([11, ['user00060', 'user00600', 'user00601', 'user00602', 'user00603', 'user00604', 'user00605', 'user00606', 'user00607', 'user00608', 'user00609']]);
    const other = await s.rpc('/user/search', { match: [['domain.name', '=', d.name], ['email', '=', 'x@example.com']] });
    expect(errorName(other)).toBe('INVALID_PARAMS');
  });

  it('when hostile names are looked up then they find nobody and break nothing', async () => {
    const d = await directoryDomain();
    for (const name of ['*', 'user0000*', 'alice)(uid=*', ')(|(uid=*', '\\00', '\u0000', 'x'.repeat(200), '\udcff\udcfe', 'user00001\u0000']) {
      expect([name, errorName(await s.rpc('/user/get', { domain: { name: d.name }, loginName: name }))]).toEqual([name, 'USER_NOT_FOUND']);
    }
    const like = await s.call('/user/search', { match: [['domain.name', '=', d.name], ['loginName', '=', '*']] });
    expect(like).toEqual({ total: 0, rows: [] });
    // a filter that makes one name match thousands of entries: refused, not guessed
    const wide = await directoryDomain({ loginAttribute: 'givenName' });
    expect(errorName(await s.rpc('/user/get', { domain: { name: wide.name }, loginName: 'User' }))).toBe('USER_NOT_FOUND');
    expect(await s.call('/user/get', { domain: { name: d.name }, loginName: 'user00001' })).toMatchObject({ loginName: 'user00001' });
  });

  it('when an entry is renamed (modrdn) then its tokens stay; when it is deleted then they stop verifying after cacheSeconds', async () => {
    const d = await directoryDomain();
    await ldap.admin((c) => c.add(`uid=mover,ou=people,${ldap.baseDn}`, {
      objectClass: 'inetOrgPerson', uid: 'mover', cn: 'Mover', sn: 'Mover', userPassword: 'pw-mover',
    }));
    const { user: { id: moverId } } = await hotpFor(d.name, 'mover', 'DIR-MOVE-1');
    expect((await verify(d.name, 'mover', { otp: RFC4226_CODES[0] })).result).toEqual({ verified: true, serial: 'DIR-MOVE-1' });

    await ldap.admin((c) => c.modifyDN(`uid=mover,ou=people,${ldap.baseDn}`, 'uid=moved'));
    now += 61_000;
    expect((await verify(d.name, 'moved', { otp: RFC4226_CODES[1] })).result).toEqual({ verified: true, serial: 'DIR-MOVE-1' });
    expect(errorName(await verify(d.name, 'mover', { otp: RFC4226_CODES[2] }))).toBe('AUTH_FAILED');

    await ldap.admin((c) => c.del(`uid=moved,ou=people,${ldap.baseDn}`));
    // still cached: the lookup is trusted for cacheSeconds
    expect((await verify(d.name, 'moved', { otp: RFC4226_CODES[2] })).result).toEqual({ verified: true, serial: 'DIR-MOVE-1' });
    now += 61_000;
    expect(errorName(await verify(d.name, 'moved', { otp: RFC4226_CODES[3] }))).toBe('AUTH_FAILED');
    expect(errorName(await s.rpc('/user/get', { domain: { name: d.name }, loginName: 'moved' }))).toBe('USER_NOT_FOUND');
    // named by its id, the local row alone is not enough: the directory must still have the entry
    expect(errorName(await s.rpc('/user/get', { id: moverId }))).toBe('USER_NOT_FOUND');
    expect(errorName(await s.rpc('/auth/verify', { user: { id: moverId }, credential: { otp: RFC4226_CODES[3] } }))).toBe('AUTH_FAILED');
  });

  it('when pinSource is "directory" then the PIN part is the directory password: right, wrong and empty', async () => {
    const d = await directoryDomain({}, { pinSource: 'directory' });
    await hotpFor(d.name, 'user00077', 'DIR-PIN-1');
    expect((await verify(d.name, 'user00077', { otp: RFC4226_CODES[0], pin: 'pw-user00077' })).result).toEqual({ verified: true, serial: 'DIR-PIN-1' });
    expect(errorName(await verify(d.name, 'user00077', { otp: RFC4226_CODES[1], pin: 'pw-user00078' }))).toBe('AUTH_FAILED');
    expect(errorName(await verify(d.name, 'user00077', { otp: RFC4226_CODES[1] }))).toBe('AUTH_FAILED');
    // the method's schema refuses an empty pin; the verify service (which RADIUS calls) refuses the bind itself,
    // though this slapd, like Active Directory, answers a DN with an empty password as a successful bind
    expect(errorName(await verify(d.name, 'user00077', { otp: RFC4226_CODES[1], pin: '' }))).toBe('INVALID_PARAMS');
    const users = new UserResolver(s.keys.masterKey);
    try {
      await expect(verifyUserOtp(s.db, s.keys, users, { user: { domain: { name: d.name }, loginName: 'user00077' }, credential: { otp: RFC4226_CODES[1], pin: '' } }, null))
        .rejects.toMatchObject({ errorName: 'AUTH_FAILED' });
      expect(await verifyUserOtp(s.db, s.keys, users, { user: { domain: { name: d.name }, loginName: 'user00077' }, credential: { otp: RFC4226_CODES[1], pin: 'pw-user00077' } }, null))
        .toEqual({ verified: true, serial: 'DIR-PIN-1' });
    } finally {
      await users.close();
    }
    expect((await tokenRow(s, 'DIR-PIN-1')).counter).toBe(2);
  });

  it('when a RADIUS password (PIN and OTP in one) is checked against the directory then no bind is made that must fail', async () => {
    const d = await directoryDomain({}, { pinSource: 'directory' });
    await hotpFor(d.name, 'user00079', 'DIR-PIN-2');
    const users = new UserResolver(s.keys.masterKey);
    const binds: (string | undefined)[] = [];
    const bind = users.checkDirectoryPassword.bind(users);
    jest.spyOn(users, 'checkDirectoryPassword').mockImplementation(async (domain, dn, password) => { binds.push(password); return bind(domain, dn, password); });
    const ref = { domain: { name: d.name }, loginName: 'user00079' };
    try {
      // right PIN, wrong OTP: the directory password is known after one bind; the whole password is not tried as the PIN
      await expect(verifyUserPassword(s.db, s.keys, users, ref, 'pw-user00079000000', null)).rejects.toMatchObject({ errorName: 'AUTH_FAILED' });
      expect(binds).toEqual(['pw-user00079']);
      // the PIN alone (challenge-response): its last 6 characters are no OTP, so only the whole password is bound
      binds.length = 0;
      expect(await verifyUserPassword(s.db, s.keys, users, ref, 'pw-user00079', null)).toMatchObject({ pinOnly: true });
      expect(binds).toEqual(['pw-user00079']);
    } finally {
      await users.close();
    }
  });

  it('when slapd is stopped then calls answer 503 with Retry-After and charge nothing; started again, it works without a restart', async () => {
    const d = await directoryDomain({ cacheSeconds: 0 });
    const idle = await directoryDomain({ cacheSeconds: 0 }); // its pooled connection sits idle through the restart
    await hotpFor(d.name, 'user00123', 'DIR-DOWN-1');
    expect(await s.call('/user/get', { domain: { name: idle.name }, loginName: 'user00125' })).toMatchObject({ loginName: 'user00125' });
    await ldap.stop();
    try {
      const down = await s.rest('/auth/verify', { user: { domain: { name: d.name }, loginName: 'user00123' }, credential: { otp: '000000' } });
      expect([down.status, down.body.name, down.headers.get('retry-after')]).toEqual([503, 'SERVICE_UNAVAILABLE', '5']);
      expect((await tokenRow(s, 'DIR-DOWN-1')).failCount).toBe(0);
    } finally {
      await ldap.start();
    }
    expect((await verify(d.name, 'user00123', { otp: RFC4226_CODES[0] })).result).toEqual({ verified: true, serial: 'DIR-DOWN-1' });
    expect(await s.call('/user/get', { domain: { name: idle.name }, loginName: 'user00125' })).toMatchObject({ loginName: 'user00125' });

    ldap.pause();
    try {
      const slow = await s.rest('/user/get', { domain: { name: d.name }, loginName: 'user00124' });
      expect([slow.status, slow.body.name]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    } finally {
      ldap.resume();
    }
    expect(await s.call('/user/get', { domain: { name: d.name }, loginName: 'user00124' })).toMatchObject({ loginName: 'user00124' });
  }, 20_000);

  it('when the directory speaks TLS then the certificate is checked against caCertificate (ldaps and StartTLS)', async () => {
    const ldaps = await directoryDomain({ url: ldap.ldapsUrl, caCertificate: ca });
    expect(await s.call('/domain/testDirectory', { id: ldaps.id })).toMatchObject({ ok: true });
    const startTls = await directoryDomain({ startTls: true, caCertificate: ca });
    expect(await s.call('/domain/testDirectory', { id: startTls.id })).toMatchObject({ ok: true });
    expect(await s.call('/user/get', { domain: { name: startTls.name }, loginName: 'user00009' })).toMatchObject({ loginName: 'user00009' });
    const unknownCa = await directoryDomain({ url: ldap.ldapsUrl });
    expect(await s.call('/domain/testDirectory', { id: unknownCa.id })).toEqual({ ok: false, reason: 'TLS_FAILED' });
    const failover = await directoryDomain({ url: `ldap://127.0.0.1:1 ${ldap.url}` });
    expect(await s.call('/user/get', { domain: { name: failover.name }, loginName: 'user00010' })).toMatchObject({ loginName: 'user00010' });
  });
});

