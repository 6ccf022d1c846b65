import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { defaultConfig } from '../../../src/config';
import { keyedHash } from '../../../src/domain/crypto/secrets';
import { createLogger } from '../../../src/log';
import { startTestServer, TestServer } from '../../support/server';
import { countTokens, makeUser, tombstoneDomain, tombstoneUser } from './user-token-fixtures';

let s: TestServer;
let owner: { ecosystemId: string; id: string };
/** What the server logged (debug and up), line by line. */
const logLines: any[] = [];
const logSink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
    done();
  },
});
beforeAll(async () => {
  s = await startTestServer({
    log: createLogger('debug', logSink), rateLimits: { ...defaultConfig().rateLimits, authFailuresPerIp: { limit: 30, windowSeconds: 300 } },
  });
  owner = await makeUser(s);
});
afterAll(() => s.close());

/** Droplit's "Generate a user token": POST /api/users/{ecosystemId};{userId}/tokens?… */
async function droplit(ids: string, query = '', opts: { method?: string; authorization?: string | null } = {}) {
  const authorization = opts.authorization === undefined ? `Bearer ${s.adminKey}` : opts.authorization;
  const res = await fetch(`${s.url}/api/users/${ids}/tokens${query}`, {
    method: opts.method ?? 'POST',
    headers: authorization === null ? {} : { authorization },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const idsOf = (o: { ecosystemId: string; id: string }) => `${o.ecosystemId};${o.id}`;
const stored = async (token: string) => (await s.db.query(
  'SELECT user_id, domain_id, expiry_type, ttl_seconds FROM user_tokens WHERE token_hash = $1', [keyedHash(s.keys.pepper, token)]))[0];

describe('POST /api/users/{ecosystemId};{userId}/tokens (Droplit)', () => {
  it('when the query is empty then 200 {token}: a FixedTtl token of 3600 s that verifies', async () => {
    const { status, body } = await droplit(idsOf(owner));
    expect(status).toBe(200);
    expect(body).toEqual({ token: expect.stringMatching(/^tgu_/) });
    expect(await stored(body.token)).toEqual({ user_id: owner.id, domain_id: owner.ecosystemId, expiry_type: 'FixedTtl', ttl_seconds: 3600 });
    expect((await s.call('/user/verifyToken', { token: body.token })).active).toBe(true);
  });

  it('when expiryType and ttl are given as query text then they are used (ttl "60" is 60 s)', async () => {
    const { body } = await droplit(idsOf(owner), '?expiryType=SlidingTtl&ttl=60');
    expect(await stored(body.token)).toMatchObject({ expiry_type: 'SlidingTtl', ttl_seconds: 60 });
  });

  it('when the separator is percent-encoded, the method is PUT or the key is sent without "Bearer" then the same', async () => {
    expect((await droplit(`${owner.ecosystemId}%3B${owner.id}`)).status).toBe(200);
    expect((await droplit(idsOf(owner), '', { method: 'PUT' })).status).toBe(200);
    expect((await droplit(idsOf(owner), '?expiryType=Infinite', { authorization: s.adminKey })).status).toBe(200);
  });

  it('when the method is GET then there is no such route', async () => {
    expect((await droplit(idsOf(owner), '', { method: 'GET' })).status).toBe(404);
  });

  const bad = (errorType: string, name: string, errors: Array<{ in: string; path: string; message: string | unknown }>) => ({ errorType, name, errors });
  const NEVER = randomUUID();

  it.each<[string, () => string, string, number, ReturnType<typeof bad>]>([
    ['an unknown query field', () => `${idsOf(owner)}|?scope=all`, 'QUERY_FIELD_NOT_ALLOWED', 400,
      bad('InvalidParameters', 'QUERY_FIELD_NOT_ALLOWED', [{ in: 'query', path: 'scope', message: 'must NOT have additional properties (scope)' }])],
    ['the user id in the query', () => `${idsOf(owner)}|?id=${owner.id}`, 'QUERY_FIELD_NOT_ALLOWED', 400,
      bad('InvalidParameters', 'QUERY_FIELD_NOT_ALLOWED', [{ in: 'query', path: 'id', message: 'must NOT have additional properties (id)' }])],
    ['a ttl that is no number', () => `${idsOf(owner)}|?ttl=soon`, 'TOKEN_DURATION_INVALID', 400,
      bad('InvalidParameters', 'TOKEN_DURATION_INVALID', [{ in: 'query', path: 'ttl', message: 'must be integer' }])],
    ['an empty ttl', () => `${idsOf(owner)}|?ttl=`, 'TOKEN_DURATION_INVALID', 400,
      bad('InvalidParameters', 'TOKEN_DURATION_INVALID', [{ in: 'query', path: 'ttl', message: 'must be integer' }])],
    ['ttl 0', () => `${idsOf(owner)}|?ttl=0`, 'TOKEN_DURATION_INVALID', 400,
      bad('InvalidParameters', 'TOKEN_DURATION_INVALID', [{ in: 'query', path: 'ttl', message: 'must be >= 1' }])],
    ['a fractional ttl', () => `${idsOf(owner)}|?ttl=1.5`, 'TOKEN_DURATION_INVALID', 400,
      bad('InvalidParameters', 'TOKEN_DURATION_INVALID', [{ in: 'query', path: 'ttl', message: 'must be integer' }])],
    ['a ttl over the maximum', () => `${idsOf(owner)}|?ttl=31536001`, 'TOKEN_DURATION_INVALID', 400,
      bad('InvalidParameters', 'TOKEN_DURATION_INVALID', [{ in: 'query', path: 'ttl', message: 'must be <= 31536000' }])],
    ['an unknown expiryType', () => `${idsOf(owner)}|?expiryType=Never`, 'TOKEN_EXPIRATION_TYPE_INVALID', 400,
      bad('InvalidParameters', 'TOKEN_EXPIRATION_TYPE_INVALID', [{ in: 'query', path: 'expiryType', message: 'must be equal to one of the allowed values' }])],
    ['a user id that is no uuid', () => `${owner.ecosystemId};bob|`, 'USER_INVALID', 400,
      bad('InvalidParameters', 'USER_INVALID', [{ in: 'path', path: 'id', message: expect.stringMatching(/^must match pattern/) }])],
    ['no user id', () => `${owner.ecosystemId}|`, 'USER_INVALID', 400,
      bad('InvalidParameters', 'USER_INVALID', [{ in: 'path', path: 'id', message: expect.stringMatching(/^must match pattern/) }])],
    ['a user id never issued', () => `${owner.ecosystemId};${NEVER}|`, 'USER_INVALID', 400,
      bad('InvalidParameters', 'USER_INVALID', [{ in: 'path', path: 'id', message: 'The user id is malformed or was never issued' }])],
    ['an ecosystem id that is no uuid', () => `home;${owner.id}|`, 'ECOSYSTEM_INVALID', 400,
      bad('InvalidParameters', 'ECOSYSTEM_INVALID', [{ in: 'path', path: 'ecosystemId', message: expect.stringMatching(/^must match pattern/) }])],
    ['an ecosystem id never issued', () => `${NEVER};${owner.id}|`, 'ECOSYSTEM_INVALID', 400,
      bad('InvalidParameters', 'ECOSYSTEM_INVALID', [{ in: 'path', path: 'ecosystemId', message: 'The ecosystem id is malformed or was never issued' }])],
  ])('when %s then %s (%i) in Droplit\'s error structure, and nothing is written', async (_what, target, _name, status, body) => {
    const [ids, query] = target().split('|');
    const before = await countTokens(s);
    expect(await droplit(ids, query)).toEqual({ status, body });
    expect(await countTokens(s)).toBe(before);
  });

  it('when the ecosystem was deleted then 404 ECOSYSTEM_NOT_FOUND', async () => {
    const gone = await makeUser(s);
    await tombstoneDomain(s, gone.ecosystemId);
    expect(await droplit(idsOf(gone))).toEqual({ status: 404, body: bad('NotFound', 'ECOSYSTEM_NOT_FOUND', [{ in: 'path', path: 'ecosystemId', message: 'Ecosystem not found' }]) });
  });

  it('when the user was deleted, or lives in another ecosystem, then 404 USER_NOT_FOUND', async () => {
    const gone = await makeUser(s);
    await tombstoneUser(s, gone.id);
    const expected = { status: 404, body: bad('NotFound', 'USER_NOT_FOUND', [{ in: 'path', path: 'id', message: 'User not found' }]) };
    expect(await droplit(idsOf(gone))).toEqual(expected);
    expect(await droplit(`${owner.ecosystemId};${(await makeUser(s)).id}`)).toEqual(expected);
  });

  it('when several things are wrong then the first named error wins and every problem is listed', async () => {
    const { status, body } = await droplit(`${owner.ecosystemId};bob`, '?ttl=0&colour=red');
    expect(status).toBe(400);
    expect(body.name).toBe('USER_INVALID');
    expect(body.errors).toEqual(expect.arrayContaining([
      { in: 'path', path: 'id', message: expect.any(String) },
      { in: 'query', path: 'ttl', message: 'must be >= 1' },
      { in: 'query', path: 'colour', message: 'must NOT have additional properties (colour)' },
    ]));
  });

  it('when there is no key or an unknown one then 401; a key without scope user:token then 403', async () => {
    const unauthenticated = { status: 401, body: bad('Unauthorized', 'UNAUTHENTICATED', [{ in: 'header', path: 'authorization', message: 'Missing, unknown or revoked credentials' }]) };
    expect(await droplit(idsOf(owner), '', { authorization: null })).toEqual(unauthenticated);
    expect(await droplit(idsOf(owner), '', { authorization: 'Bearer tgk_nope' })).toEqual(unauthenticated);
    expect(await droplit(idsOf(owner), '', { authorization: `Bearer ${await s.keyWith(['directory'])}` })).toEqual({
      status: 403, body: bad('Forbidden', 'FORBIDDEN', [{ in: 'header', path: 'authorization', message: 'The caller may not call this method' }]),
    });
    expect((await droplit(idsOf(owner), '', { authorization: `Bearer ${await s.keyWith(['user:token'])}` })).status).toBe(200);
  });

  it('goes through the same pipeline: the call is audited as /user/createToken, without the token', async () => {
    const { body } = await droplit(idsOf(owner), '?ttl=abc');
    expect(body.name).toBe('TOKEN_DURATION_INVALID');
    const { body: ok } = await droplit(idsOf(owner));
    const rows = await s.db.query(`SELECT outcome, error_name FROM audit_log WHERE method = '/user/createToken' ORDER BY id DESC LIMIT 2`);
    expect(rows).toEqual([{ outcome: 'ok', error_name: null }, { outcome: 'error', error_name: 'TOKEN_DURATION_INVALID' }]);
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain(ok.token);
  });

  it.each([
    ['the client sends an x-request-id', 'droplit-req-1', ''],
    ['the server makes one', undefined, ''],
    ['the call fails', 'droplit-req-2', '?ttl=0'],
  ])('when %s then the reply\'s x-request-id is the id the pipeline logged the call under', async (_what, given, query) => {
    logLines.length = 0;
    const res = await fetch(`${s.url}/api/users/${idsOf(owner)}/tokens${query}`, {
      method: 'POST', headers: { authorization: `Bearer ${s.adminKey}`, ...(given ? { 'x-request-id': given } : {}) },
    });
    await res.text();
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toEqual(given ?? expect.stringMatching(/^[0-9a-f-]{36}$/));
    expect(logLines.filter((l) => l.msg === 'call')).toEqual([
      expect.objectContaining({ method: '/user/createToken', correlationId: requestId, outcome: query ? 'error' : 'ok' }),
    ]);
  });

  // Last: it leaves this client's IP blocked.
  it('when keys keep failing on this route then the gateway\'s limit applies: 429 RATE_LIMITED with Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 40 && last?.status !== 429; i++) {
      // a remote client (loopback itself is not limited per IP); the server trusts X-Forwarded-For from loopback
      last = await fetch(`${s.url}/api/users/${idsOf(owner)}/tokens`, { method: 'POST', headers: { authorization: `tgk_wrong${i}`, 'x-forwarded-for': '203.0.113.77' } });
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await last!.json()).toEqual({
      errorType: 'TooManyRequests', name: 'RATE_LIMITED', errors: [{ in: 'header', path: 'authorization', message: 'Too many attempts; retry later' }],
    });
  });
});
