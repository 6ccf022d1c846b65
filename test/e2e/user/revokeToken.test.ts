import { randomUUID } from 'node:crypto';
import { keyedHash } from '../../../src/domain/crypto/secrets';
import { startTestServer, TestServer } from '../../support/server';
import { expectErrorOnBothEnvelopes, makeUser } from './user-token-fixtures';

let s: TestServer;
let owner: { ecosystemId: string; id: string };
beforeAll(async () => {
  s = await startTestServer();
  owner = await makeUser(s);
});
afterAll(() => s.close());

const issue = async (extra: Record<string, unknown> = {}) => {
  const { token } = await s.call('/user/createToken', { ...owner, ...extra });
  const [{ id }] = await s.db.query('SELECT id FROM user_tokens WHERE token_hash = $1', [keyedHash(s.keys.pepper, token)]);
  return { token: token as string, tokenId: id as string };
};
const revokedAt = async (tokenId: string) => (await s.db.query('SELECT revoked_at FROM user_tokens WHERE id = $1', [tokenId]))[0].revoked_at;

describe('/user/revokeToken', () => {
  it('when the token is usable then {revoked: 1} and it stops working at once; only that token', async () => {
    const { token, tokenId } = await issue({ expiryType: 'Infinite' });
    const other = await issue();
    expect(await s.call('/user/revokeToken', { tokenId })).toEqual({ revoked: 1 });
    expect(await s.call('/user/verifyToken', { token })).toEqual({ active: false });
    expect(await revokedAt(tokenId)).toBeInstanceOf(Date);
    expect((await s.call('/user/verifyToken', { token: other.token })).active).toBe(true);
  });

  it('when revoked twice then {revoked: 0} and the first revocation time stays', async () => {
    const { tokenId } = await issue();
    await s.call('/user/revokeToken', { tokenId });
    const first = await revokedAt(tokenId);
    expect(await s.call('/user/revokeToken', { tokenId })).toEqual({ revoked: 0 });
    expect(await revokedAt(tokenId)).toEqual(first);
  });

  it('when the token has already expired then {revoked: 0}', async () => {
    const { tokenId } = await issue();
    await s.db.query(`UPDATE user_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [tokenId]);
    expect(await s.call('/user/revokeToken', { tokenId })).toEqual({ revoked: 0 });
  });

  it('when called on the legacy route then {error: 0, result: {revoked}}', async () => {
    const { tokenId } = await issue();
    expect((await s.rest('/user/revokeToken', { tokenId })).body).toEqual({ error: 0, result: { revoked: 1 } });
  });

  it('when the id is no token\'s then TOKEN_NOT_FOUND (404); malformed then INVALID_PARAMS; other fields then QUERY_FIELD_NOT_ALLOWED', async () => {
    await expectErrorOnBothEnvelopes(s, '/user/revokeToken', { tokenId: randomUUID() }, 'TOKEN_NOT_FOUND');
    await expectErrorOnBothEnvelopes(s, '/user/revokeToken', { tokenId: 'tgu_abc' }, 'INVALID_PARAMS');
    await expectErrorOnBothEnvelopes(s, '/user/revokeToken', {}, 'INVALID_PARAMS');
    const { tokenId } = await issue();
    await expectErrorOnBothEnvelopes(s, '/user/revokeToken', { tokenId, id: owner.id }, 'QUERY_FIELD_NOT_ALLOWED');
    expect(await revokedAt(tokenId)).toBeNull();
  });

  it('when the key lacks scope user:token then FORBIDDEN and the token keeps working', async () => {
    const { token, tokenId } = await issue();
    await expectErrorOnBothEnvelopes(s, '/user/revokeToken', { tokenId }, 'FORBIDDEN', await s.keyWith(['directory']));
    expect((await s.call('/user/verifyToken', { token })).active).toBe(true);
  });

  it('records the token id, never the token, in the audit log', async () => {
    const { token, tokenId } = await issue();
    await s.call('/user/revokeToken', { tokenId });
    const [entry] = await s.db.query(`SELECT target FROM audit_log WHERE method = '/user/revokeToken' ORDER BY id DESC LIMIT 1`);
    expect(entry).toEqual({ target: tokenId });
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain(token);
  });
});
