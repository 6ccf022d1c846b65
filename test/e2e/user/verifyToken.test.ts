import { keyedHash } from '../../../src/domain/crypto/secrets';
import { VERIFY_USER_TOKEN_SQL } from '../../../src/services/user-tokens/user-tokens';
import { startTestServer, TestServer } from '../../support/server';
import { expectErrorOnBothEnvelopes, makeUser, tombstoneDomain, tombstoneUser } from './user-token-fixtures';

let s: TestServer;
let owner: { ecosystemId: string; id: string };
beforeAll(async () => {
  s = await startTestServer({ clock: true }); // expiry is the database's now(): moved, not waited for
  owner = await makeUser(s);
});
afterEach(() => s.clock.reset());
afterAll(() => s.close());

const issue = async (extra: Record<string, unknown> = {}, who = owner) => (await s.call('/user/createToken', { ...who, ...extra })).token as string;
const verify = (token: string) => s.call('/user/verifyToken', { token });
const stored = async (token: string) => (await s.db.query(
  'SELECT expires_at, last_used_at FROM user_tokens WHERE token_hash = $1', [keyedHash(s.keys.pepper, token)]))[0];
const setExpiry = (token: string, sqlExpr: string) =>
  s.db.query(`UPDATE user_tokens SET expires_at = ${sqlExpr} WHERE token_hash = $1`, [keyedHash(s.keys.pepper, token)]);

describe('/user/verifyToken', () => {
  it('when a FixedTtl token is valid then active with its owner and expiry, which does not move; lastUsedAt is set', async () => {
    const token = await issue({ ttl: 600 });
    const before = await stored(token);
    const reply = await verify(token);
    expect(reply).toEqual({
      active: true, userId: owner.id, ecosystemId: owner.ecosystemId, expiryType: 'FixedTtl', expiresAt: before.expires_at.toISOString(),
    });
    const after = await stored(token);
    expect(after.expires_at).toEqual(before.expires_at);
    expect(after.last_used_at).toBeInstanceOf(Date);
  });

  it('when a FixedTtl token outlives its ttl then inactive, used or not', async () => {
    const token = await issue({ ttl: 60 });
    expect((await verify(token)).active).toBe(true);
    await s.clock.advance(59);
    expect((await verify(token)).active).toBe(true);
    await s.clock.advance(2);
    expect(await verify(token)).toEqual({ active: false });
  });

  it('when an Infinite token is used then active with expiresAt null', async () => {
    const token = await issue({ expiryType: 'Infinite' });
    expect(await verify(token)).toEqual({ active: true, userId: owner.id, ecosystemId: owner.ecosystemId, expiryType: 'Infinite', expiresAt: null });
  });

  it('when a SlidingTtl token is used then its expiry moves to now + ttl', async () => {
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 600 });
    await s.clock.advance(3_600); // an hour on: the expiry follows the clock, wherever it is
    await setExpiry(token, "now() + interval '5 seconds'");
    const t0 = s.clock.now();
    const reply = await verify(token);
    expect(reply).toMatchObject({ active: true, expiryType: 'SlidingTtl' });
    const expiresAt = new Date(reply.expiresAt).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(t0 + 600_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(s.clock.now() + 600_000 + 1000);
    expect((await stored(token)).expires_at.toISOString()).toBe(reply.expiresAt);
  });

  it('when a SlidingTtl token is used within its ttl it keeps working past the first ttl, and expires ttl after the last use', async () => {
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 60 });
    await s.clock.advance(40);
    expect((await verify(token)).active).toBe(true);
    await s.clock.advance(40); // 80 s after creation: alive only because the last use slid it
    expect((await verify(token)).active).toBe(true);
    await s.clock.advance(59);
    expect((await verify(token)).active).toBe(true);
    await s.clock.advance(61); // 61 s after the last use
    expect(await verify(token)).toEqual({ active: false });
  });

  it('when a token is verified again within a second of its recorded use then nothing is written and the stored expiry is answered; after that second the use is written again', async () => {
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 600 });
    const first = await verify(token);
    const recorded = await stored(token);
    await s.clock.advance(0.3); // (plus the real time between the calls, well under the rest of the second)
    expect(await verify(token)).toEqual(first);
    expect(await stored(token)).toEqual(recorded);
    await s.clock.advance(1.1);
    const later = await verify(token);
    expect(new Date(later.expiresAt).getTime()).toBeGreaterThanOrEqual(new Date(first.expiresAt).getTime() + 1_400);
    const after = await stored(token);
    expect(after.expires_at.toISOString()).toBe(later.expiresAt);
    expect(after.last_used_at.getTime()).toBeGreaterThanOrEqual(recorded.last_used_at.getTime() + 1_400);
  });

  it('when a SlidingTtl token of ttl 1 is verified every 0.4 s then it keeps working (a short ttl records its use more often than once a second)', async () => {
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 1 });
    for (let i = 0; i < 6; i++) {
      await s.clock.advance(0.4);
      expect((await verify(token)).active).toBe(true);
    }
    await s.clock.advance(1.1);
    expect(await verify(token)).toEqual({ active: false });
  });

  it('when a SlidingTtl token has expired then a verify does not revive it', async () => {
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 600 });
    await setExpiry(token, "now() - interval '1 millisecond'");
    const before = await stored(token);
    expect(await verify(token)).toEqual({ active: false });
    expect(await stored(token)).toEqual(before);
  });

  it('when one sliding token is verified concurrently then every answer is active and the stored expiry is the latest answered', async () => {
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 600 });
    const replies = await Promise.all(Array.from({ length: 40 }, () => verify(token)));
    expect(replies.every((r) => r.active === true)).toBe(true);
    const answered = replies.map((r) => new Date(r.expiresAt).getTime());
    const final = await stored(token);
    expect(final.expires_at.getTime()).toBe(Math.max(...answered));
    expect(final.last_used_at.getTime()).toBeLessThanOrEqual(final.expires_at.getTime() - 600_000);
  });

  it('when a verify that started earlier commits later then the expiry does not move backwards', async () => {
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 600 });
    const early = await s.db.begin();
    try {
      await early.tx.rows('SELECT now()'); // its now() is fixed from here
      const later = await verify(token); // a round trip later: its now() is later
      const [row] = await early.tx.rows(VERIFY_USER_TOKEN_SQL, [keyedHash(s.keys.pepper, token)]);
      await early.commit();
      expect(row.expiresAt.toISOString()).toBe(later.expiresAt);
      expect((await stored(token)).expires_at.toISOString()).toBe(later.expiresAt);
    } finally {
      early.release();
    }
  });

  it('when a SlidingTtl token is used then its row is updated in place (HOT): no index of user_tokens gets a new entry', async () => {
    // The BRIN index the purge job reads does not rule HOT out (PostgreSQL ≥ 16); a B-tree on expires_at did.
    const token = await issue({ expiryType: 'SlidingTtl', ttl: 600 });
    const counts = await s.db.transaction(async (tx) => {
      // this connection's counts not yet reported, before and after: their difference is the verify's
      const read = async () => (await tx.rows(`SELECT pg_stat_get_xact_tuples_updated('user_tokens'::regclass)::int AS updated,
                                                       pg_stat_get_xact_tuples_hot_updated('user_tokens'::regclass)::int AS hot`))[0];
      const before = await read();
      await tx.rows(VERIFY_USER_TOKEN_SQL, [keyedHash(s.keys.pepper, token)]);
      const after = await read();
      return { updated: after.updated - before.updated, hot: after.hot - before.hot };
    });
    expect(counts).toEqual({ updated: 1, hot: 1 });
  });

  let current: { ecosystemId: string; id: string }; // the owner of the token each case spoils
  it.each([
    ['revoked', (t: string) => s.db.query('UPDATE user_tokens SET revoked_at = now() WHERE token_hash = $1', [keyedHash(s.keys.pepper, t)])],
    ['of a deleted user', async () => { await tombstoneUser(s, current.id); }],
    ['of a deleted ecosystem', async () => { await tombstoneDomain(s, current.ecosystemId); }],
    ['of a DISABLED user', async () => { await s.db.query(`UPDATE users SET status = 'DISABLED' WHERE id = $1`, [current.id]); }],
  ])('when the token is %s then inactive and left as it was', async (_what, spoil) => {
    current = await makeUser(s);
    const token = await issue({ expiryType: 'SlidingTtl' }, current);
    expect((await verify(token)).active).toBe(true);
    await spoil(token);
    const before = await stored(token);
    expect(await verify(token)).toEqual({ active: false });
    expect(await stored(token)).toEqual(before);
  });

  it('when the user is deleted with /user/delete then its tokens stop working and /user/listTokens shows them inactive', async () => {
    const who = await makeUser(s);
    const tokens = [await issue({}, who), await issue({ expiryType: 'Infinite' }, who)];
    await s.call('/user/delete', { id: who.id });
    for (const token of tokens) expect(await verify(token)).toEqual({ active: false });
    expect((await s.call('/user/listTokens', who)).rows.map((r: { active: boolean }) => r.active)).toEqual([false, false]);
  });

  it('when a DISABLED user is ACTIVE again then the token works again', async () => {
    const who = await makeUser(s);
    const token = await issue({}, who);
    await s.db.query(`UPDATE users SET status = 'LOCKED' WHERE id = $1`, [who.id]);
    expect((await verify(token)).active).toBe(false);
    await s.db.query(`UPDATE users SET status = 'ACTIVE' WHERE id = $1`, [who.id]);
    expect((await verify(token)).active).toBe(true);
  });

  it.each(['tgu_unknown', 'x', 'tgk_' + 'a'.repeat(43)])('when the token is %s then inactive', async (token) => {
    expect(await verify(token)).toEqual({ active: false });
  });

  it('when called on the legacy route then {error: 0, result}', async () => {
    const token = await issue();
    expect((await s.rest('/user/verifyToken', { token })).body).toEqual({ error: 0, result: expect.objectContaining({ active: true }) });
  });

  it('when the token is missing, not a string or too long then INVALID_PARAMS; another field then QUERY_FIELD_NOT_ALLOWED', async () => {
    await expectErrorOnBothEnvelopes(s, '/user/verifyToken', {}, 'INVALID_PARAMS');
    await expectErrorOnBothEnvelopes(s, '/user/verifyToken', { token: 5 }, 'INVALID_PARAMS');
    await expectErrorOnBothEnvelopes(s, '/user/verifyToken', { token: 'x'.repeat(513) }, 'INVALID_PARAMS');
    await expectErrorOnBothEnvelopes(s, '/user/verifyToken', { token: 'x', ecosystemId: owner.ecosystemId }, 'QUERY_FIELD_NOT_ALLOWED');
  });

  it('when the key lacks scope user:token then FORBIDDEN; with it, it may', async () => {
    const token = await issue();
    await expectErrorOnBothEnvelopes(s, '/user/verifyToken', { token }, 'FORBIDDEN', await s.keyWith(['auth:verify']));
    expect((await s.call('/user/verifyToken', { token }, await s.keyWith(['user:token']))).active).toBe(true);
  });

  it('never writes the token into the audit log', async () => {
    const token = await issue();
    await verify(token);
    const audit = JSON.stringify(await s.db.query(`SELECT * FROM audit_log WHERE method = '/user/verifyToken'`));
    expect(audit).toContain(owner.id);
    expect(audit).not.toContain(token);
  });
});
