import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/app';
import { openTestDb } from '../../support/test-db';
import { hashPassword, verifyPassword } from '../../../src/domain/crypto/password-hash';
import { generateHotp } from '../../../src/domain/otp';
import { createLogger } from '../../../src/log';
import { allMethods } from '../../../src/methods';
import { startTestServer, TestServer } from '../../support/server';
import { bulkPinMatches } from '../token/batch-fixtures';
import { importCsv, makeUser, RFC4226_CODES, RFC4226_SEED_HEX, setProductPolicy, softwareTokenWithSeed, tokenRow } from '../token/fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer({ clock: true }); }); // TOTP steps by the server's clock: set, not waited for
afterEach(() => s.clock.reset());
afterAll(() => s.close());

const verify = (user: { id: string }, credential: { otp: string; pin?: string }, key?: string) =>
  s.rpc('/auth/verify', { user: { id: user.id }, credential }, key);
const errorName = (reply: { error?: { data: { name: string } } }) => reply.error?.data.name;

/** Moves the server's clock to 1 s into the next 30 s step, so a code and its check fall in the same step. */
async function atStepStart() {
  const now = s.clock.now();
  await s.clock.advance(((Math.floor(now / 30_000) + 1) * 30_000 + 1_000 - now) / 1000);
}

/** A hardware HOTP token with the RFC 4226 seed, assigned to a new user. */
async function hotpTokenForUser(serial: string, opts: { pin?: string } = {}) {
  const user = await makeUser(s);
  await importCsv(s, [`${serial},${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
  await s.call('/token/assign', { token: { serial }, user: { id: user.id }, ...opts });
  return user;
}

describe('/auth/verify', () => {
  it('when a software token is created, downloaded once and its OTP verified then the whole story holds', async () => {
    const user = await makeUser(s);
    const token = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
    const { url, expiresAt } = await s.call('/token/getDownloadUrl', { token: { serial: token.serial } });
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(14 * 60 * 1000);

    const first = await fetch(url, { headers: { accept: 'application/json' } });
    expect(first.status).toBe(200);
    const payload: any = await first.json();
    expect(payload).toEqual({ serial: token.serial, otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//), qrCode: expect.stringMatching(/^data:image\/png;base64,/) });
    const uri = new URL(payload.otpauthUri);
    expect(decodeURIComponent(uri.pathname)).toBe(`/${user.domain.name}:${user.loginName}`);
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: expect.stringMatching(/^[A-Z2-7]{32}$/), issuer: user.domain.name, algorithm: 'SHA1', digits: '6', period: '30' });

    const { generateTotp, base32Decode } = await import('../../../src/domain/otp');
    const otp = generateTotp(base32Decode(uri.searchParams.get('secret')!), s.clock.now() / 1000, { algorithm: 'SHA1', digits: 6, period: 30 });
    expect((await verify(user, { otp })).result).toEqual({ verified: true, serial: token.serial });

    const second = await fetch(url, { headers: { accept: 'application/json' } });
    expect(second.status).toBe(410);
    expect(await second.json()).toEqual({ error: 6001, name: 'DOWNLOAD_LINK_EXPIRED', message: expect.any(String), data: {} });
  });

  it('when an HOTP code is verified then the counter moves past it and the same code is refused', async () => {
    const user = await hotpTokenForUser('V-HOTP-1');
    expect((await verify(user, { otp: RFC4226_CODES[3] })).result).toEqual({ verified: true, serial: 'V-HOTP-1' });
    expect(await tokenRow(s, 'V-HOTP-1')).toMatchObject({ counter: 4, failCount: 0 });
    expect(errorName(await verify(user, { otp: RFC4226_CODES[3] }))).toBe('AUTH_FAILED');
    expect(errorName(await verify(user, { otp: RFC4226_CODES[2] }))).toBe('AUTH_FAILED');
    expect((await verify(user, { otp: RFC4226_CODES[4] })).result).toEqual({ verified: true, serial: 'V-HOTP-1' });
    const [row] = await s.db.query(`SELECT last_used_at FROM tokens WHERE serial = 'V-HOTP-1'`);
    expect(row.last_used_at).toBeInstanceOf(Date);
  });

  it('when the counter is beyond 2^53 then the code at that counter verifies and the counter moves exactly past it', async () => {
    const user = await makeUser(s);
    await importCsv(s, [`V-BIG-1,${RFC4226_SEED_HEX},HOTP,6,9007199254740991`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
    await s.call('/token/assign', { token: { serial: 'V-BIG-1' }, user: { id: user.id } });
    const otp = generateHotp(Buffer.from(RFC4226_SEED_HEX, 'hex'), 2n ** 53n + 1n, { algorithm: 'SHA1', digits: 6 });
    expect((await verify(user, { otp })).result).toEqual({ verified: true, serial: 'V-BIG-1' });
    expect(await s.db.query(`SELECT counter::text AS counter FROM tokens WHERE serial = 'V-BIG-1'`)).toEqual([{ counter: '9007199254740994' }]);
    expect(errorName(await verify(user, { otp }))).toBe('AUTH_FAILED');
  });

  it('when the counter reaches 2^63 - 1, the most the column holds, then no further code verifies (and nothing breaks)', async () => {
    const user = await makeUser(s);
    await importCsv(s, [`V-BIG-2,${RFC4226_SEED_HEX},HOTP,6,9223372036854775806`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
    await s.call('/token/assign', { token: { serial: 'V-BIG-2' }, user: { id: user.id } });
    const codeAt = (counter: bigint) => generateHotp(Buffer.from(RFC4226_SEED_HEX, 'hex'), counter, { algorithm: 'SHA1', digits: 6 });
    expect((await verify(user, { otp: codeAt(2n ** 63n - 2n) })).result?.verified).toBe(true);
    expect(errorName(await verify(user, { otp: codeAt(2n ** 63n - 1n) }))).toBe('AUTH_FAILED');
    expect(await s.db.query(`SELECT counter::text AS counter, fail_count AS "failCount" FROM tokens WHERE serial = 'V-BIG-2'`))
      .toEqual([{ counter: '9223372036854775807', failCount: 1 }]);
  });

  it('when the code lies beyond the product\'s look-ahead then AUTH_FAILED', async () => {
    const user = await hotpTokenForUser('V-HOTP-WIN');
    const seed = Buffer.from(RFC4226_SEED_HEX, 'hex');
    expect(errorName(await verify(user, { otp: generateHotp(seed, 11, { algorithm: 'SHA1', digits: 6 }) }))).toBe('AUTH_FAILED');
    expect((await verify(user, { otp: generateHotp(seed, 10, { algorithm: 'SHA1', digits: 6 }) })).result?.verified).toBe(true);
  });

  it('when a TOTP code is verified twice then the second is refused (a step is never reused)', async () => {
    const t = await softwareTokenWithSeed(s);
    const now = s.clock.now() / 1000;
    const otp = t.totp(now);
    expect((await verify(t.user, { otp })).result).toEqual({ verified: true, serial: t.token.serial });
    expect(errorName(await verify(t.user, { otp }))).toBe('AUTH_FAILED');
    expect(await tokenRow(s, t.token.serial)).toMatchObject({ failCount: 1, lastStep: Math.floor(now / 30) });
  });

  it('when the previous or next TOTP step is given then it is accepted (±1 step)', async () => {
    const t = await softwareTokenWithSeed(s);
    await atStepStart();
    expect((await verify(t.user, { otp: t.totp(s.clock.now() / 1000 + 30) })).result?.verified).toBe(true);
    expect(await tokenRow(s, t.token.serial)).toMatchObject({ drift: 1 });
    const u = await softwareTokenWithSeed(s);
    expect(errorName(await verify(u.user, { otp: u.totp(s.clock.now() / 1000 - 90) }))).toBe('AUTH_FAILED');
  });

  it('when the assignment has a PIN then the PIN is required, and a wrong or missing PIN is just AUTH_FAILED', async () => {
    const user = await hotpTokenForUser('V-PIN-1', { pin: '2468' });
    for (const credential of [{ otp: RFC4226_CODES[0] }, { otp: RFC4226_CODES[0], pin: '1357' }, { otp: '000000', pin: '2468' }]) {
      const reply = await verify(user, credential);
      expect(reply.error).toEqual({ code: 2002, message: 'Authentication failed', data: { name: 'AUTH_FAILED' } });
    }
    expect((await verify(user, { otp: RFC4226_CODES[0], pin: '2468' })).result).toEqual({ verified: true, serial: 'V-PIN-1' });
  });

  it('when a batch-assigned PIN (bulk HMAC form) verifies then it is re-hashed with scrypt; a failure leaves it', async () => {
    const user = await makeUser(s);
    await importCsv(s, [`V-REHASH-1,${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
    const csv = `domain,loginName,manufacturerCode,productCode,serial,pin\n${user.domain.name},${user.loginName},OATH,HOTP,V-REHASH-1,4321\n`;
    expect(await s.call('/token/batchAssignTokens', { attrs: { csv } })).toMatchObject({ assigned: 1, failed: 0 });
    const pinHash = async () => (await s.db.query(
      `SELECT a.pin_hash FROM token_assignments a JOIN tokens t ON t.id = a.token_id WHERE t.serial = 'V-REHASH-1'`))[0].pin_hash as string;
    const batchHash = await pinHash();
    expect(batchHash).toMatch(/^hmac-sha256\$/);
    expect(bulkPinMatches(s.keys.pepper, '4321', batchHash)).toBe(true);

    expect(errorName(await verify(user, { otp: RFC4226_CODES[0], pin: '9999' }))).toBe('AUTH_FAILED');
    expect(await pinHash()).toBe(batchHash);
    expect((await verify(user, { otp: RFC4226_CODES[0], pin: '4321' })).result).toEqual({ verified: true, serial: 'V-REHASH-1' });
    const stored = await pinHash();
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('4321', stored)).toBe(true);
    expect((await verify(user, { otp: RFC4226_CODES[1], pin: '4321' })).result?.verified).toBe(true);
    expect(await pinHash()).toBe(stored);
  });

  it('when a PIN stored by an earlier release at the cheap batch scrypt cost verifies then it is re-hashed at the default cost', async () => {
    const user = await makeUser(s);
    await importCsv(s, [`V-OLDHASH-1,${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
    expect(await s.call('/token/assign', { token: { serial: 'V-OLDHASH-1' }, user: { id: user.id } })).toBeTruthy();
    const cheap = await hashPassword('8642', { N: 2 ** 10, r: 8, p: 1 });
    await s.db.query(`UPDATE token_assignments a SET pin_hash = $1 FROM tokens t WHERE t.id = a.token_id AND t.serial = 'V-OLDHASH-1'`, [cheap]);
    expect((await verify(user, { otp: RFC4226_CODES[0], pin: '8642' })).result).toEqual({ verified: true, serial: 'V-OLDHASH-1' });
    const [{ pin_hash: stored }] = await s.db.query(
      `SELECT a.pin_hash FROM token_assignments a JOIN tokens t ON t.id = a.token_id WHERE t.serial = 'V-OLDHASH-1'`);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(await verifyPassword('8642', stored)).toBe(true);
  });

  it('when the token is shared with a second user then each verifies with their own PIN', async () => {
    const owner = await hotpTokenForUser('V-SHARED-1', { pin: '1111' });
    const other = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'V-SHARED-1' }, user: { id: other.id }, pin: '2222', shared: true });
    expect(errorName(await verify(other, { otp: RFC4226_CODES[0], pin: '1111' }))).toBe('AUTH_FAILED');
    expect((await verify(other, { otp: RFC4226_CODES[1], pin: '2222' })).result?.verified).toBe(true);
    expect((await verify(owner, { otp: RFC4226_CODES[2], pin: '1111' })).result?.verified).toBe(true);
  });

  it('when failures reach the product\'s maxFail then the token locks, AUTH_LOCKED follows and /token/reset clears it', async () => {
    await setProductPolicy(s, 'OATH/HOTP', { maxFail: 3 });
    try {
      const user = await hotpTokenForUser('V-LOCK-1');
      for (let i = 0; i < 3; i++) expect(errorName(await verify(user, { otp: '000000' }))).toBe('AUTH_FAILED');
      expect(await tokenRow(s, 'V-LOCK-1')).toMatchObject({ failCount: 3, locked: true });
      const { status, body } = await s.rest('/auth/verify', { user: { id: user.id }, credential: { otp: RFC4226_CODES[0] } });
      expect(status).toBe(423);
      expect(body).toEqual({ error: 8001, name: 'AUTH_LOCKED', message: expect.any(String), data: {} });

      await s.call('/token/reset', { token: { serial: 'V-LOCK-1' } });
      expect(await tokenRow(s, 'V-LOCK-1')).toMatchObject({ failCount: 0, locked: false });
      expect((await verify(user, { otp: RFC4226_CODES[0] })).result?.verified).toBe(true);
    } finally {
      await setProductPolicy(s, 'OATH/HOTP', { maxFail: 10 });
    }
  });

  it('when a failure is followed by a success then the fail count is cleared', async () => {
    const user = await hotpTokenForUser('V-CLEAR-1');
    await verify(user, { otp: '000000' });
    expect(await tokenRow(s, 'V-CLEAR-1')).toMatchObject({ failCount: 1 });
    await verify(user, { otp: RFC4226_CODES[0] });
    expect(await tokenRow(s, 'V-CLEAR-1')).toMatchObject({ failCount: 0 });
  });

  it('when 20 calls verify one OTP at the same time then exactly one succeeds', async () => {
    const user = await hotpTokenForUser('V-RACE-1');
    const replies = await Promise.all(Array.from({ length: 20 }, () =>
      s.rest('/auth/verify', { user: { id: user.id }, credential: { otp: RFC4226_CODES[0] } })));
    const ok = replies.filter((r) => r.status === 200);
    expect(ok).toHaveLength(1);
    expect(ok[0].body).toEqual({ error: 0, result: { verified: true, serial: 'V-RACE-1' } });
    for (const r of replies.filter((x) => x.status !== 200)) expect(['AUTH_FAILED', 'AUTH_LOCKED']).toContain(r.body.name);
    expect(await tokenRow(s, 'V-RACE-1')).toMatchObject({ counter: 1 });
  });

  it('when two servers with their own connection pools share the database then one OTP still verifies once', async () => {
    const user = await hotpTokenForUser('V-RACE-2');
    const otherDb = await openTestDb(s.databaseUrl, { poolSize: 10 });
    const other = createApp({ dataSource: otherDb, keys: s.keys, log: createLogger('silent'), methods: allMethods })
      .listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    try {
      const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const body = JSON.stringify({ user: { id: user.id }, credential: { otp: RFC4226_CODES[0] } });
      const statuses = await Promise.all(Array.from({ length: 20 }, async (_, i) => (await fetch(`${i % 2 ? otherUrl : s.url}/rest/auth/verify`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminKey}` }, body,
      })).status));
      expect(statuses.filter((st) => st === 200)).toHaveLength(1);
    } finally {
      await new Promise((r) => other.close(r));
      other.closeAllConnections();
      await otherDb.close();
    }
  });

  it('when 20 calls verify one TOTP code at the same time then exactly one succeeds', async () => {
    const t = await softwareTokenWithSeed(s);
    const otp = t.totp();
    const replies = await Promise.all(Array.from({ length: 20 }, () => verify(t.user, { otp })));
    expect(replies.filter((r) => r.result?.verified)).toHaveLength(1);
  });

  it.each([
    ['an unknown user', async () => ({ id: '00000000-0000-4000-8000-000000000000' })],
    ['a user without tokens', async () => makeUser(s)],
    ['a disabled user', async () => {
      const user = await hotpTokenForUser(`V-DIS-${Date.now()}`);
      await s.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [user.id]);
      return user;
    }],
  ])('when it is %s then AUTH_FAILED and nothing says why', async (_what, make) => {
    const reply = await verify(await make(), { otp: RFC4226_CODES[0] });
    expect(reply.error).toEqual({ code: 2002, message: 'Authentication failed', data: { name: 'AUTH_FAILED' } });
  });

  it('when the token is DISABLED then its codes do not verify', async () => {
    const user = await hotpTokenForUser('V-OFF-1');
    const [{ id }] = await s.db.query(`SELECT id FROM tokens WHERE serial = 'V-OFF-1'`);
    await s.call('/token/set', { id, attrs: { status: 'DISABLED' } });
    expect(errorName(await verify(user, { otp: RFC4226_CODES[0] }))).toBe('AUTH_FAILED');
  });

  it('when the user is named by domain and loginName then it works the same', async () => {
    const user = await hotpTokenForUser('V-NAME-1');
    const reply = await s.rpc('/auth/verify', { user: { domain: { name: user.domain.name }, loginName: user.loginName }, credential: { otp: RFC4226_CODES[0] } });
    expect(reply.result).toEqual({ verified: true, serial: 'V-NAME-1' });
  });

  it('when the key has the auth:verify scope only then it may verify but not read tokens', async () => {
    const key = await s.keyWith(['auth:verify']);
    const user = await hotpTokenForUser('V-SCOPE-1');
    expect((await verify(user, { otp: RFC4226_CODES[0] }, key)).result?.verified).toBe(true);
    expect(errorName(await s.rpc('/token/search', {}, key))).toBe('FORBIDDEN');
  });

  it('when the call fails then the audit record names the outcome and holds no OTP', async () => {
    const user = await hotpTokenForUser('V-AUDIT-1');
    await verify(user, { otp: '987123' });
    const rows = await s.db.query(`SELECT target, outcome, error_name FROM audit_log WHERE method = '/auth/verify' AND target = $1`, [user.id]);
    expect(rows).toEqual([{ target: user.id, outcome: 'error', error_name: 'AUTH_FAILED' }]);
    expect(JSON.stringify(await s.db.query(`SELECT * FROM audit_log`))).not.toContain('987123');
  });
});
