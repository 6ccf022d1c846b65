import { randomUUID } from 'node:crypto';
import { startTestServer, TestServer } from '../../support/server';
import { expectErrorOnBothEnvelopes, makeUser, tombstoneUser } from './user-token-fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const issue = async (who: { ecosystemId: string; id: string }, extra: Record<string, unknown> = {}) =>
  (await s.call('/user/createToken', { ...who, ...extra })).token as string;
const active = async (token: string) => (await s.call('/user/verifyToken', { token })).active as boolean;
const revokedCount = async (userId: string) =>
  (await s.db.query('SELECT count(*)::int AS n FROM user_tokens WHERE user_id = $1 AND revoked_at IS NOT NULL', [userId]))[0].n;

describe('/user/revokeTokens', () => {
  it('revokes every usable token of the user and counts them; other users keep theirs', async () => {
    const who = await makeUser(s);
    const neighbour = await makeUser(s, who.ecosystemId);
    const tokens = [await issue(who), await issue(who, { expiryType: 'SlidingTtl' }), await issue(who, { expiryType: 'Infinite' })];
    const theirs = await issue(neighbour);

    expect(await s.call('/user/revokeTokens', who)).toEqual({ revoked: 3 });
    for (const token of tokens) expect(await active(token)).toBe(false);
    expect(await active(theirs)).toBe(true);
    expect(await s.call('/user/revokeTokens', who)).toEqual({ revoked: 0 });
  });

  it('does not count, nor touch, tokens already revoked or expired', async () => {
    const who = await makeUser(s);
    await issue(who);
    expect(await s.call('/user/revokeTokens', who)).toEqual({ revoked: 1 });
    await issue(who);
    await s.db.query(`UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1 AND revoked_at IS NULL`, [who.id]);
    const usable = await issue(who);
    expect(await s.call('/user/revokeTokens', who)).toEqual({ revoked: 1 });
    expect(await active(usable)).toBe(false);
    expect(await revokedCount(who.id)).toBe(2);
  });

  it('when the user was deleted then its leftover tokens can still be revoked', async () => {
    const who = await makeUser(s);
    await issue(who);
    await tombstoneUser(s, who.id);
    expect(await s.call('/user/revokeTokens', who)).toEqual({ revoked: 1 });
  });

  it('when called on the legacy route then {error: 0, result: {revoked}}', async () => {
    const who = await makeUser(s);
    await issue(who);
    expect((await s.rest('/user/revokeTokens', who)).body).toEqual({ error: 0, result: { revoked: 1 } });
  });

  it('answers the id errors on both envelopes and revokes nothing', async () => {
    const who = await makeUser(s);
    const token = await issue(who);
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', { ...who, id: 'bob' }, 'USER_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', { ...who, id: randomUUID() }, 'USER_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', { ecosystemId: who.ecosystemId }, 'USER_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', { ...who, ecosystemId: 'x' }, 'ECOSYSTEM_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', { ...who, ecosystemId: randomUUID() }, 'ECOSYSTEM_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', { ecosystemId: (await makeUser(s)).ecosystemId, id: who.id }, 'USER_NOT_FOUND');
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', { ...who, tokenId: randomUUID() }, 'QUERY_FIELD_NOT_ALLOWED');
    await expectErrorOnBothEnvelopes(s, '/user/revokeTokens', who, 'FORBIDDEN', await s.keyWith(['device']));
    expect(await active(token)).toBe(true);
  });
});
