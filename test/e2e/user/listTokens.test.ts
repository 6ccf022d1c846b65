import { randomUUID } from 'node:crypto';
import { keyedHash } from '../../../src/domain/crypto/secrets';
import { startTestServer, TestServer } from '../../support/server';
import { expectErrorOnBothEnvelopes, makeUser, tombstoneDomain, tombstoneUser } from './user-token-fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const issue = async (who: { ecosystemId: string; id: string }, extra: Record<string, unknown> = {}) =>
  (await s.call('/user/createToken', { ...who, ...extra })).token as string;
const idOf = async (token: string) =>
  (await s.db.query('SELECT id FROM user_tokens WHERE token_hash = $1', [keyedHash(s.keys.pepper, token)]))[0].id as string;
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);

describe('/user/listTokens', () => {
  it('lists metadata only, oldest first, with the state of each token', async () => {
    const who = await makeUser(s);
    const fixed = await issue(who, { ttl: 120 });
    const sliding = await issue(who, { expiryType: 'SlidingTtl', ttl: 60 });
    const infinite = await issue(who, { expiryType: 'Infinite' });
    await s.call('/user/verifyToken', { token: sliding });
    await s.call('/user/revokeToken', { tokenId: await idOf(fixed) });
    await issue(await makeUser(s, who.ecosystemId)); // someone else's

    const reply = await s.call('/user/listTokens', who);
    expect(reply).toEqual({
      total: 3,
      rows: [
        { id: await idOf(fixed), expiryType: 'FixedTtl', ttl: 120, createdAt: ISO, expiresAt: ISO, lastUsedAt: null, revokedAt: ISO, active: false },
        { id: await idOf(sliding), expiryType: 'SlidingTtl', ttl: 60, createdAt: ISO, expiresAt: ISO, lastUsedAt: ISO, revokedAt: null, active: true },
        { id: await idOf(infinite), expiryType: 'Infinite', ttl: null, createdAt: ISO, expiresAt: null, lastUsedAt: null, revokedAt: null, active: true },
      ],
    });
    const text = JSON.stringify(reply);
    for (const token of [fixed, sliding, infinite]) expect(text).not.toContain(token);
    expect(text).not.toContain('hash');
  });

  it('when a token has expired then it is listed inactive', async () => {
    const who = await makeUser(s);
    const token = await issue(who);
    await s.db.query(`UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [await idOf(token)]);
    expect((await s.call('/user/listTokens', who)).rows).toEqual([expect.objectContaining({ active: false, revokedAt: null })]);
  });

  it('pages with offset and limit and projects with return', async () => {
    const who = await makeUser(s);
    const tokens = [await issue(who), await issue(who), await issue(who)];
    expect(await s.call('/user/listTokens', { ...who, offset: 1, limit: 1, return: ['id', 'active'] }))
      .toEqual({ total: 3, rows: [{ id: await idOf(tokens[1]), active: true }] });
  });

  it('when the user was deleted then its tokens are listed, all inactive', async () => {
    const who = await makeUser(s);
    await issue(who);
    await issue(who, { expiryType: 'Infinite' });
    await tombstoneUser(s, who.id);
    const { total, rows } = await s.call('/user/listTokens', who);
    expect(total).toBe(2);
    expect(rows.map((r: { active: boolean }) => r.active)).toEqual([false, false]);
  });

  it('when the ecosystem was deleted then its users\' tokens are listed, inactive', async () => {
    const who = await makeUser(s);
    await issue(who);
    await tombstoneDomain(s, who.ecosystemId);
    expect((await s.call('/user/listTokens', who)).rows).toEqual([expect.objectContaining({ active: false })]);
  });

  it('when the user has no tokens then an empty list', async () => {
    expect(await s.call('/user/listTokens', await makeUser(s))).toEqual({ total: 0, rows: [] });
  });

  it('answers the id errors as /user/createToken does, on both envelopes', async () => {
    const who = await makeUser(s);
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', { ...who, id: 'bob' }, 'USER_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', { ...who, id: randomUUID() }, 'USER_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', { ...who, ecosystemId: 'home' }, 'ECOSYSTEM_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', { ...who, ecosystemId: randomUUID() }, 'ECOSYSTEM_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', { ecosystemId: who.ecosystemId, id: (await makeUser(s)).id }, 'USER_NOT_FOUND');
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', { ...who, expiryType: 'Infinite' }, 'QUERY_FIELD_NOT_ALLOWED');
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', { ...who, limit: 0 }, 'INVALID_PARAMS');
    await expectErrorOnBothEnvelopes(s, '/user/listTokens', who, 'FORBIDDEN', await s.keyWith(['token:read']));
  });
});
