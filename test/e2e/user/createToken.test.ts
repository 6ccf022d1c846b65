import { randomUUID } from 'node:crypto';
import { keyedHash } from '../../../src/domain/crypto/secrets';
import { startTestServer, TestServer } from '../../support/server';
import { countTokens, ErrorName, expectErrorOnBothEnvelopes, makeUser, tombstoneDomain, tombstoneUser } from './user-token-fixtures';

let s: TestServer;
let owner: { ecosystemId: string; id: string };
beforeAll(async () => {
  s = await startTestServer();
  owner = await makeUser(s);
});
afterAll(() => s.close());

const rowOf = async (token: string) => (await s.db.query(
  `SELECT user_id, domain_id, expiry_type, ttl_seconds, extract(epoch FROM expires_at - created_at)::int AS lifetime,
          last_used_at, revoked_at FROM user_tokens WHERE token_hash = $1`, [keyedHash(s.keys.pepper, token)]))[0];

describe('/user/createToken', () => {
  it('when only the ids are given then it issues a FixedTtl token of 3600 s, shown once and stored only as its keyed hash', async () => {
    const reply = await s.call('/user/createToken', owner);
    expect(reply).toEqual({ token: expect.stringMatching(/^tgu_[A-Za-z0-9_-]{43}$/) });
    expect(await rowOf(reply.token)).toEqual({
      user_id: owner.id, domain_id: owner.ecosystemId, expiry_type: 'FixedTtl', ttl_seconds: 3600, lifetime: 3600,
      last_used_at: null, revoked_at: null,
    });
    const dump = JSON.stringify(await s.db.query('SELECT * FROM user_tokens')) + JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    expect(dump).not.toContain(reply.token);
    expect(dump).not.toContain(reply.token.slice(4));
  });

  it('when SlidingTtl with a ttl then the token lives ttl seconds from now', async () => {
    const { token } = await s.call('/user/createToken', { ...owner, expiryType: 'SlidingTtl', ttl: 60 });
    expect(await rowOf(token)).toMatchObject({ expiry_type: 'SlidingTtl', ttl_seconds: 60, lifetime: 60 });
  });

  it('when Infinite then the ttl is ignored and the token never expires', async () => {
    const { token } = await s.call('/user/createToken', { ...owner, expiryType: 'Infinite', ttl: 60 });
    expect(await rowOf(token)).toMatchObject({ expiry_type: 'Infinite', ttl_seconds: null, lifetime: null });
  });

  it('when the ttl is the configured maximum (one year by default) then it is accepted', async () => {
    const { token } = await s.call('/user/createToken', { ...owner, ttl: 31536000 });
    expect(await rowOf(token)).toMatchObject({ ttl_seconds: 31536000 });
  });

  it('when called on the legacy route then {error: 0, result: {token}}', async () => {
    const { status, body } = await s.rest('/user/createToken', { ...owner, expiryType: 'SlidingTtl' });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { token: expect.stringMatching(/^tgu_/) } });
  });

  it('when the key has scope user:token then it may; with another scope then FORBIDDEN', async () => {
    expect(await s.call('/user/createToken', owner, await s.keyWith(['user:token']))).toEqual({ token: expect.any(String) });
    await expectErrorOnBothEnvelopes(s, '/user/createToken', owner, 'FORBIDDEN', await s.keyWith(['directory']));
  });

  const U = '00000000-0000-4000-8000-000000000000';
  it.each<[string, ErrorName, (o: typeof owner) => Record<string, unknown>]>([
    ['an unknown field', 'QUERY_FIELD_NOT_ALLOWED', (o) => ({ ...o, userId: o.id })],
    ['ttl 0', 'TOKEN_DURATION_INVALID', (o) => ({ ...o, ttl: 0 })],
    ['a negative ttl', 'TOKEN_DURATION_INVALID', (o) => ({ ...o, ttl: -60 })],
    ['a fractional ttl', 'TOKEN_DURATION_INVALID', (o) => ({ ...o, ttl: 1.5 })],
    ['a ttl as text', 'TOKEN_DURATION_INVALID', (o) => ({ ...o, ttl: '60' })],
    ['a ttl over the configured maximum', 'TOKEN_DURATION_INVALID', (o) => ({ ...o, ttl: 31536001 })],
    ['a ttl over the column range', 'TOKEN_DURATION_INVALID', (o) => ({ ...o, ttl: 2 ** 31 })],
    ['a bad ttl, even for Infinite', 'TOKEN_DURATION_INVALID', (o) => ({ ...o, expiryType: 'Infinite', ttl: -1 })],
    ['an unknown expiryType', 'TOKEN_EXPIRATION_TYPE_INVALID', (o) => ({ ...o, expiryType: 'Forever' })],
    ['an expiryType in the wrong case', 'TOKEN_EXPIRATION_TYPE_INVALID', (o) => ({ ...o, expiryType: 'fixedttl' })],
    ['an expiryType that is no string', 'TOKEN_EXPIRATION_TYPE_INVALID', (o) => ({ ...o, expiryType: 1 })],
    ['a user id that is no uuid', 'USER_INVALID', (o) => ({ ...o, id: 'bob' })],
    ['a user id in urn form', 'USER_INVALID', (o) => ({ ...o, id: `urn:uuid:${o.id}` })],
    ['a user id that is a number', 'USER_INVALID', (o) => ({ ...o, id: 42 })],
    ['no user id', 'USER_INVALID', (o) => ({ ecosystemId: o.ecosystemId })],
    ['a user id never issued', 'USER_INVALID', (o) => ({ ...o, id: U })],
    ['an ecosystem id that is no uuid', 'ECOSYSTEM_INVALID', (o) => ({ ...o, ecosystemId: 'home' })],
    ['no ecosystem id', 'ECOSYSTEM_INVALID', (o) => ({ id: o.id })],
    ['an ecosystem id never issued', 'ECOSYSTEM_INVALID', (o) => ({ ...o, ecosystemId: U })],
  ])('when %s then %s and nothing is written', async (_what, name, params) => {
    const before = await countTokens(s);
    await expectErrorOnBothEnvelopes(s, '/user/createToken', params(owner), name);
    expect(await countTokens(s)).toBe(before);
  });

  it('when the ecosystem was deleted then ECOSYSTEM_NOT_FOUND (404)', async () => {
    const gone = await makeUser(s);
    await tombstoneDomain(s, gone.ecosystemId);
    await expectErrorOnBothEnvelopes(s, '/user/createToken', gone, 'ECOSYSTEM_NOT_FOUND');
  });

  it('when the user was deleted then USER_NOT_FOUND (404)', async () => {
    const gone = await makeUser(s);
    await tombstoneUser(s, gone.id);
    await expectErrorOnBothEnvelopes(s, '/user/createToken', gone, 'USER_NOT_FOUND');
  });

  it('when the user lives in another ecosystem then USER_NOT_FOUND (404)', async () => {
    const stranger = await makeUser(s);
    await expectErrorOnBothEnvelopes(s, '/user/createToken', { ecosystemId: owner.ecosystemId, id: stranger.id }, 'USER_NOT_FOUND');
  });

  it('when an unknown field comes with a bad ttl then the specific error wins and data.errors lists both', async () => {
    const { rpc } = await expectErrorOnBothEnvelopes(s, '/user/createToken', { ...owner, ttl: 0, scope: 'x' }, 'TOKEN_DURATION_INVALID');
    expect(rpc.data.errors).toEqual(expect.arrayContaining([
      { path: '/ttl', message: 'must be >= 1' },
      { path: '/', message: 'must NOT have additional properties (scope)' },
    ]));
  });

  it('when both ids and the ttl are wrong then the ecosystem is named first', async () => {
    await expectErrorOnBothEnvelopes(s, '/user/createToken', { ecosystemId: 'x', id: 'y', ttl: 0 }, 'ECOSYSTEM_INVALID');
    await expectErrorOnBothEnvelopes(s, '/user/createToken', { ecosystemId: owner.ecosystemId, id: 'y', expiryType: 'No' }, 'USER_INVALID');
  });

  it('when the key is unknown then UNAUTHENTICATED', async () => {
    await expectErrorOnBothEnvelopes(s, '/user/createToken', owner, 'UNAUTHENTICATED', `tgk_${randomUUID()}`);
  });
});
