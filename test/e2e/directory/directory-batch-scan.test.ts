import { createServer, Server, Socket } from 'node:net';
import { Client } from 'ldapts';
import { DirectorySource } from '../../../src/services/directory/ldap/directory-source';
import { startTestServer, TestServer } from '../../support/server';
import { describeWithSlapd, Slapd, startSlapd } from '../../support/slapd';
import { assignmentsOf, createTokens, uploadCsv } from '../token/batch-fixtures';

let s: TestServer;
let ldap: Slapd;
/** More than two pages of a scan (1000 entries a page), so a directory can stop in the middle of one. */
const USERS = 2500;
/** The server's threshold, lowered: a chunk naming this many users of a domain has its directory read whole. */
const SCAN_FROM = 20;

describeWithSlapd('/token/batchAssignTokens reading a directory whole (SPEC §11, against slapd)', () => {
  beforeAll(async () => {
    // user00002 may read at most 100 entries a search: a directory that will not be read whole
    ldap = await startSlapd({ users: USERS, databaseConfig: `limits dn.exact="uid=user00002,ou=people,dc=example,dc=com" size=100` });
    s = await startTestServer({ resolverScanFrom: SCAN_FROM });
  }, 60_000);
  afterAll(async () => {
    await s?.close();
    await ldap?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const uid = (i: number) => `user${String(i).padStart(5, '0')}`;
  const people = () => `ou=people,${ldap.baseDn}`;
  async function directoryDomain(name: string, url = ldap.url, bindDn = ldap.adminDn, bindPassword = ldap.adminPassword) {
    const { id } = await s.call('/domain/create', { attrs: { name, directory: {
      url, bindDn, bindPassword, baseDn: people(), loginAttribute: 'uid', timeoutMs: 1000,
    } } });
    return id as string;
  }
  const addPerson = (rdn: string, login: string) => ldap.admin((c) => c.add(`${rdn},${people()}`, { objectClass: 'inetOrgPerson', uid: login, cn: login, sn: 'Test' }));
  const header = 'domain,loginName,manufacturerCode,productCode,serial';

  // The same batch twice, once small enough for OR-filter searches, once large enough for the
  // whole directory read once: the same users must come out.
  it.each([
    ['OR-filter searches, a few names', 5, false],
    ['the whole directory read once, many names', SCAN_FROM + 5, true],
  ])('when a batch is resolved by %s then renamed entries keep their rows, missing and ambiguous names fail their rows, repeated names meet one user', async (_how, fillers, scans) => {
    const tag = scans ? 'scan' : 'or';
    const domain = `corp-${tag}`;
    const domainId = await directoryDomain(domain);
    await addPerson(`uid=mover-${tag}`, `mover-${tag}`);
    await addPerson(`uid=gone-${tag}`, `gone-${tag}`);
    await addPerson(`uid=left-${tag}`, `left-${tag}`);
    // two entries with one login: refused, never guessed between
    await addPerson(`cn=twin-a-${tag}`, `twin-${tag}`);
    await addPerson(`cn=twin-b-${tag}`, `twin-${tag}`);
    const p = `SCAN-${tag}-`;
    await createTokens(s, Array.from({ length: 8 + fillers }, (_, i) => `${p}${String(i + 1).padStart(2, '0')}`));
    // local rows made on first use, before the directory changes under them
    const mover = await s.call('/token/assign', { token: { serial: `${p}01` }, user: { domain: { name: domain }, loginName: `mover-${tag}` } });
    const gone = await s.call('/user/get', { domain: { name: domain }, loginName: `gone-${tag}` });
    const left = await s.call('/user/get', { domain: { name: domain }, loginName: `left-${tag}` });
    await ldap.admin(async (c) => {
      await c.modifyDN(`uid=mover-${tag},${people()}`, `uid=moved-${tag}`);
      // gone-… is now another entry (a new stable id); left-… is no more
      await c.del(`uid=gone-${tag},${people()}`);
      await c.del(`uid=left-${tag},${people()}`);
    });
    await addPerson(`uid=gone-${tag}`, `gone-${tag}`);
    const scan = jest.spyOn(DirectorySource.prototype, 'scanLogins');
    const byName = jest.spyOn(DirectorySource.prototype, 'findByLogins');

    const rows = [
      `${domain},moved-${tag},DN,ST,${p}02`,
      `${domain},MOVED-${tag},DN,ST,${p}03`,
      `${domain},mover-${tag},DN,ST,${p}04`,
      `${domain},gone-${tag},DN,ST,${p}05`,
      `${domain},left-${tag},DN,ST,${p}06`,
      `${domain},twin-${tag},DN,ST,${p}07`,
      `${domain},${uid(1)})(uid=*,DN,ST,${p}08`,
      ...Array.from({ length: fillers }, (_, i) => `${domain},${uid(i + 1)},DN,ST,${p}${String(i + 9).padStart(2, '0')}`),
    ];
    const reply = await uploadCsv(s, [header, ...rows].join('\n'), { query: { mode: 'partial' } });

    const notFound = (line: number, serial: string) => ({ line, serial, name: 'USER_NOT_FOUND', message: expect.any(String) });
    expect([reply.status, reply.body.result]).toEqual([200, {
      total: 7 + fillers, assigned: 3 + fillers, failed: 4,
      errors: [notFound(4, `${p}04`), notFound(6, `${p}06`), notFound(7, `${p}07`), notFound(8, `${p}08`)],
    }]);
    expect([scan.mock.calls.length, byName.mock.calls.length > 0]).toEqual(scans ? [1, false] : [0, true]);
    expect(await assignmentsOf(s, p)).toEqual([
      { serial: `${p}01`, loginName: `moved-${tag}`, role: 'owner', status: 'ACTIVE', pinHash: null },
      { serial: `${p}02`, loginName: `moved-${tag}`, role: 'owner', status: 'ACTIVE', pinHash: null },
      { serial: `${p}03`, loginName: `moved-${tag}`, role: 'owner', status: 'ACTIVE', pinHash: null },
      { serial: `${p}05`, loginName: `gone-${tag}`, role: 'owner', status: 'ACTIVE', pinHash: null },
      ...Array.from({ length: fillers }, (_, i) => ({ serial: `${p}${String(i + 9).padStart(2, '0')}`, loginName: uid(i + 1), role: 'owner', status: 'ACTIVE', pinHash: null })),
    ]);
    const owners = await s.db.query(`
      SELECT t.serial, a.user_id AS "userId" FROM token_assignments a JOIN tokens t ON t.id = a.token_id
       WHERE t.serial IN ($1, $2, $3, $4) ORDER BY t.serial`, [`${p}01`, `${p}02`, `${p}03`, `${p}05`]);
    // the renamed entry's row is the one its first token went to; gone-… is a new row, not the removed entry's
    expect(owners.map((o: { userId: string }) => o.userId)).toEqual([mover.user.id, mover.user.id, mover.user.id, expect.not.stringMatching(gone.id)]);
    // the removed entries' rows let go of their names (a new entry took one, the other is free for the next)
    expect(await s.db.query('SELECT id, login_name AS "loginName" FROM users WHERE id IN ($1, $2) ORDER BY login_name', [gone.id, left.id])).toEqual([
      { id: gone.id, loginName: `gone-${tag} (${gone.id})` },
      { id: left.id, loginName: `left-${tag} (${left.id})` },
    ]);
    expect(await s.db.query('SELECT count(*)::int AS n FROM users WHERE domain_id = $1', [domainId])).toEqual([{ n: 3 + 1 + fillers }]);
  });

  it('when the directory refuses to be read whole (a size limit) then the names are searched for and the batch is assigned', async () => {
    await directoryDomain('corp-limited', ldap.url, `uid=user00002,${people()}`, 'pw-user00002');
    const serials = Array.from({ length: SCAN_FROM }, (_, i) => `LIMIT-${String(i + 1).padStart(2, '0')}`);
    await createTokens(s, serials);
    const scan = jest.spyOn(DirectorySource.prototype, 'scanLogins');
    const byName = jest.spyOn(DirectorySource.prototype, 'findByLogins');
    const reply = await uploadCsv(s, [header, ...serials.map((serial, i) => `corp-limited,${uid(i + 1)},DN,ST,${serial}`)].join('\n'));

    expect([reply.status, reply.body.result]).toEqual([200, { total: SCAN_FROM, assigned: SCAN_FROM, failed: 0, errors: [] }]);
    expect(scan).toHaveBeenCalledTimes(1);
    expect(await scan.mock.results[0]!.value).toBeNull();
    expect(byName).toHaveBeenCalledTimes(1);
    expect((await assignmentsOf(s, 'LIMIT-')).map((a) => a.loginName)).toEqual(Array.from({ length: SCAN_FROM }, (_, i) => uid(i + 1)));
  });

  it('when a scan stops at its most entries then its connection is ended (its paged search with it) and the names are searched for on another', async () => {
    await directoryDomain('corp-capped');
    const serials = Array.from({ length: SCAN_FROM }, (_, i) => `CAP-${String(i + 1).padStart(2, '0')}`);
    await createTokens(s, serials);
    const fullScan = DirectorySource.prototype.scanLogins;
    const scan = jest.spyOn(DirectorySource.prototype, 'scanLogins').mockImplementation(function (this: DirectorySource) { return fullScan.call(this, 1500); });
    const unbinds = jest.spyOn(Client.prototype, 'unbind');
    const reply = await uploadCsv(s, [header, ...serials.map((serial, i) => `corp-capped,${uid(i + 1)},DN,ST,${serial}`)].join('\n'));

    expect([reply.status, reply.body.result]).toEqual([200, { total: SCAN_FROM, assigned: SCAN_FROM, failed: 0, errors: [] }]);
    expect(await scan.mock.results[0]!.value).toBeNull(); // 2,500 entries, more than 1,500: stopped in its second page
    expect(unbinds).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['closes its connections', 'close'],
    ['stops answering', 'hang'],
  ] as const)('when the directory %s in the middle of the scan then the batch is 503 and nothing is assigned or made', async (_how, fault) => {
    const proxy = await faultyProxy(ldap.url, 150_000, fault);
    try {
      const domain = `corp-cut-${fault}`;
      const domainId = await directoryDomain(domain, proxy.url);
      const serials = Array.from({ length: SCAN_FROM }, (_, i) => `CUT-${fault}-${i + 1}`);
      await createTokens(s, serials);
      const scan = jest.spyOn(DirectorySource.prototype, 'scanLogins');
      const reply = await uploadCsv(s, [header, ...serials.map((serial, i) => `${domain},${uid(i + 1)},DN,ST,${serial}`)].join('\n'), { query: { mode: 'partial' } });

      expect([reply.status, reply.body.name, reply.headers.get('retry-after')]).toEqual([503, 'SERVICE_UNAVAILABLE', '5']);
      expect(scan).toHaveBeenCalledTimes(1);
      expect(proxy.cut).toBe(true);
      expect(await assignmentsOf(s, `CUT-${fault}-`)).toEqual([]);
      expect(await s.db.query('SELECT count(*)::int AS n FROM users WHERE domain_id = $1', [domainId])).toEqual([{ n: 0 }]);
    } finally {
      await proxy.close();
    }
  }, 20_000);
});

/**
 * A TCP proxy in front of slapd that, once it has passed `afterBytes` of the directory's
 * answers on one connection, fails: 'close' drops every connection and refuses new ones;
 * 'hang' passes nothing more, on any connection, old or new (a directory that stopped).
 */
async function faultyProxy(target: string, afterBytes: number, fault: 'close' | 'hang') {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const state = { cut: false };
  const server: Server = createServer((client) => {
    sockets.add(client);
    if (state.cut && fault === 'close') { client.destroy(); return; }
    const upstream = new Socket();
    sockets.add(upstream);
    upstream.connect(Number(port), hostname);
    let passed = 0;
    client.on('data', (chunk) => { if (!state.cut) upstream.write(chunk); });
    upstream.on('data', (chunk) => {
      if (state.cut) return;
      passed += chunk.length;
      if (passed > afterBytes) {
        state.cut = true;
        if (fault === 'close') {
          server.close();
          for (const socket of sockets) socket.destroy();
        }
        return;
      }
      client.write(chunk);
    });
    for (const socket of [client, upstream]) {
      socket.on('error', () => {});
      socket.on('close', () => { client.destroy(); upstream.destroy(); sockets.delete(socket); });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `ldap://127.0.0.1:${address.port}`,
    get cut() { return state.cut; },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
