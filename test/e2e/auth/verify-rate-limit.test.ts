import { randomUUID } from 'node:crypto';
import { defaultConfig } from '../../../src/config';
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser, RFC4226_CODES, RFC4226_SEED_HEX, tokenRow } from '../token/fixtures';

const LIMIT = 3;
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ rateLimits: { ...defaultConfig().rateLimits, verifyFailuresPerUser: { limit: LIMIT, windowSeconds: 300 } } });
});
afterAll(() => s.close());

const verify = (user: { id: string }, otp: string) => s.rest('/auth/verify', { user: { id: user.id }, credential: { otp } });
const hitsOf = async (userId: string) =>
  (await s.db.query('SELECT hits FROM rate_limits WHERE bucket = $1', [`verify-fail:user:${userId}`]))[0]?.hits;

/** A hardware HOTP token with the RFC 4226 seed (counter 0), assigned to a new user. */
async function hotpUser(serial: string) {
  const user = await makeUser(s);
  await importCsv(s, [`${serial},${RFC4226_SEED_HEX},HOTP,6,0`], { product: { manufacturerCode: 'OATH', productCode: 'HOTP' } });
  await s.call('/token/assign', { token: { serial }, user: { id: user.id } });
  return user;
}

describe('/auth/verify: failed verifications per user (TOKENGATE_RATE_LIMIT_VERIFY)', () => {
  it('when a user has failed the limit of times then the next call, even with the right OTP, is 429 RATE_LIMITED and the OTP is not checked', async () => {
    const user = await hotpUser('RL-1');
    for (let i = 0; i < LIMIT; i++) expect((await verify(user, '000000')).body.name).toBe('AUTH_FAILED');
    expect(await hitsOf(user.id)).toBe(LIMIT);

    const limited = await verify(user, RFC4226_CODES[0]);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 8002, name: 'RATE_LIMITED', message: 'Too many attempts; retry later', data: { retryAfter: expect.any(Number) } });
    expect(limited.body.data.retryAfter).toBeGreaterThan(290);
    expect(limited.body.data.retryAfter).toBeLessThanOrEqual(300);
    expect(limited.headers.get('retry-after')).toBe(String(limited.body.data.retryAfter));
    // not checked: the counter did not move, and neither the token's nor the user's count grew
    expect(await tokenRow(s, 'RL-1')).toMatchObject({ counter: 0, failCount: LIMIT, locked: false });
    expect(await hitsOf(user.id)).toBe(LIMIT);
  });

  it('when the limit is reached then JSON-RPC answers RATE_LIMITED with data.retryAfter', async () => {
    const user = await hotpUser('RL-RPC');
    for (let i = 0; i < LIMIT; i++) await verify(user, '000000');
    const reply = await s.rpc('/auth/verify', { user: { id: user.id }, credential: { otp: RFC4226_CODES[0] } });
    expect(reply.error).toEqual({ code: 8002, message: 'Too many attempts; retry later', data: { name: 'RATE_LIMITED', retryAfter: expect.any(Number) } });
  });

  it('when verifications succeed then they do not count, and the limit is per user', async () => {
    const user = await hotpUser('RL-OK');
    for (let i = 0; i < LIMIT + 2; i++) expect((await verify(user, RFC4226_CODES[i])).status).toBe(200);
    expect(await hitsOf(user.id)).toBeUndefined();

    const other = await hotpUser('RL-OTHER');
    for (let i = 0; i < LIMIT; i++) await verify(other, '000000');
    expect((await verify(other, RFC4226_CODES[0])).body.name).toBe('RATE_LIMITED');
    expect((await verify(user, RFC4226_CODES[LIMIT + 2])).body).toEqual({ error: 0, result: { verified: true, serial: 'RL-OK' } });
  });

  it('when a verification succeeds then it clears the failures counted before it', async () => {
    const user = await hotpUser('RL-CLEAR');
    for (let i = 0; i < LIMIT - 1; i++) await verify(user, '000000');
    expect(await hitsOf(user.id)).toBe(LIMIT - 1);
    expect((await verify(user, RFC4226_CODES[0])).status).toBe(200);
    expect(await hitsOf(user.id)).toBeUndefined();
    for (let i = 0; i < LIMIT - 1; i++) expect((await verify(user, '000000')).body.name).toBe('AUTH_FAILED');
  });

  it('when /token/reset unlocks a token then its holders are no longer rate limited either', async () => {
    const user = await hotpUser('RL-RESET');
    for (let i = 0; i < LIMIT; i++) await verify(user, '000000');
    expect((await verify(user, RFC4226_CODES[0])).body.name).toBe('RATE_LIMITED');
    await s.call('/token/reset', { token: { serial: 'RL-RESET' } });
    expect(await hitsOf(user.id)).toBeUndefined();
    expect((await verify(user, RFC4226_CODES[0])).body).toEqual({ error: 0, result: { verified: true, serial: 'RL-RESET' } });
  });

  it('when the window has passed then the user verifies again', async () => {
    const user = await hotpUser('RL-WIN');
    for (let i = 0; i < LIMIT; i++) await verify(user, '000000');
    expect((await verify(user, RFC4226_CODES[0])).status).toBe(429);
    await s.db.query(`UPDATE rate_limits SET window_ends_at = now() - interval '1 second' WHERE bucket = $1`, [`verify-fail:user:${user.id}`]);
    expect((await verify(user, RFC4226_CODES[0])).body).toEqual({ error: 0, result: { verified: true, serial: 'RL-WIN' } });
  });

  it('when ten wrong OTPs for one user arrive at once then exactly the limit are checked and the rest are RATE_LIMITED', async () => {
    const user = await hotpUser('RL-RACE');
    const replies = await Promise.all(Array.from({ length: 10 }, () => verify(user, '000000')));
    const names = replies.map((r) => r.body.name).sort();
    expect(names).toEqual([...Array(LIMIT).fill('AUTH_FAILED'), ...Array(10 - LIMIT).fill('RATE_LIMITED')]);
    expect(await tokenRow(s, 'RL-RACE')).toMatchObject({ failCount: LIMIT });
  });

  it.each([
    ['an unknown user id', () => ({ id: randomUUID() })],
    ['an unknown loginName', () => ({ domain: { name: 'nowhere' }, loginName: `ghost-${randomUUID()}` })],
    ['a user without tokens', async () => ({ id: (await makeUser(s)).id })],
  ])('when it is %s then it is limited the same, so RATE_LIMITED tells no more than AUTH_FAILED', async (_what, make) => {
    const ref = await make();
    const names = [];
    for (let i = 0; i <= LIMIT; i++) {
      names.push((await s.rest('/auth/verify', { user: ref, credential: { otp: RFC4226_CODES[0] } })).body.name);
    }
    expect(names).toEqual([...Array(LIMIT).fill('AUTH_FAILED'), 'RATE_LIMITED']);
  });

  it('when the limit stops a call then the audit records RATE_LIMITED and no OTP', async () => {
    const user = await hotpUser('RL-AUDIT');
    for (let i = 0; i < LIMIT; i++) await verify(user, '000000');
    await verify(user, '135790');
    const rows = await s.db.query(`SELECT outcome, error_name AS "errorName" FROM audit_log WHERE method = '/auth/verify' AND target = $1 ORDER BY id`, [user.id]);
    expect(rows.map((r: { errorName: string }) => r.errorName)).toEqual([...Array(LIMIT).fill('AUTH_FAILED'), 'RATE_LIMITED']);
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain('135790');
  });
});
