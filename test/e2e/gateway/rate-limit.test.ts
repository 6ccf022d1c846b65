import { randomUUID } from 'node:crypto';
import { createApp } from '../../../src/app';
import { createLogger } from '../../../src/log';
import { allMethods } from '../../../src/methods';
import { AppError } from '../../../src/errors';
import { checkRateLimit, consumeRateLimit, RateLimitSettings } from '../../../src/services/rate-limit';
import { listenLocally, Listening } from '../../support/listen';
import { startTestServer, TestServer } from '../../support/server';

const rateLimits: RateLimitSettings = {
  authFailuresPerIp: { limit: 3, windowSeconds: 60 },
  authFailuresPerDevice: { limit: 2, windowSeconds: 60 },
  verifyFailuresPerUser: null,
  passwordFailuresPerToken: null,
};

let s: TestServer;
/** A second app on the same database: what another server process would be. */
let other: Listening;
beforeAll(async () => {
  s = await startTestServer({ rateLimits, clock: true }); // windows end by the database's now(): moved, not waited for
  other = await listenLocally(createApp({ dataSource: s.db, keys: s.keys, log: createLogger('silent'), methods: allMethods, config: { rateLimits } }));
});
afterAll(async () => {
  await other.close();
  await s.close();
});

/** Each test is its own client: the server trusts X-Forwarded-For from loopback. */
let clientIp = 10;
const nextClientIp = () => `203.0.113.${clientIp++}`;

async function rest(baseUrl: string, ip: string, authorization: string, method = '/apikey/search') {
  const res = await fetch(`${baseUrl}/rest${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, authorization }, body: '{}',
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() as any };
}
const bearer = (key: string) => `Bearer ${key}`;
const basic = (uuid: string, token: string) => `Basic ${Buffer.from(`${uuid}:${token}`).toString('base64')}`;

async function hitsOf(bucket: string): Promise<number | undefined> {
  const [row] = await s.db.query('SELECT hits FROM rate_limits WHERE bucket = $1', [bucket]);
  return row?.hits;
}

describe('rate limiting of failed credential checks', () => {
  it('when a client fails the limit of times then its next call is RATE_LIMITED with Retry-After, even with a good key', async () => {
    const ip = nextClientIp();
    for (let i = 0; i < 3; i++) expect((await rest(s.url, ip, bearer('tgk_wrong'))).body.name).toBe('UNAUTHENTICATED');
    const refused = await rest(s.url, ip, bearer('tgk_wrong'));
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: 8002, message: 'Too many attempts; retry later', name: 'RATE_LIMITED', data: { retryAfter: expect.any(Number) } });
    expect(refused.body.data.retryAfter).toBeGreaterThan(0);
    expect(refused.body.data.retryAfter).toBeLessThanOrEqual(60);
    expect(Number(refused.retryAfter)).toBe(refused.body.data.retryAfter);
    expect((await rest(s.url, ip, bearer(s.adminKey))).body.name).toBe('RATE_LIMITED');
    // The last two were refused before any credential was looked at: no database work, nothing counted.
    expect(await hitsOf(`auth-fail:ip:${ip}`)).toBe(3);
    // Another client is not affected.
    expect((await rest(s.url, nextClientIp(), bearer(s.adminKey))).status).toBe(200);
  });

  it('when failures are spread over two server processes then they add up in the database', async () => {
    const ip = nextClientIp();
    await rest(s.url, ip, bearer('tgk_wrong'));
    await rest(other.url, ip, bearer('tgk_wrong'));
    await rest(s.url, ip, bearer('tgk_wrong'));
    const refused = await rest(other.url, ip, bearer('tgk_wrong'));
    expect(refused).toMatchObject({ status: 429, body: { name: 'RATE_LIMITED' } });
    expect(await hitsOf(`auth-fail:ip:${ip}`)).toBe(4);
  });

  it('when a device uuid is tried with wrong tokens from several clients then that device is limited', async () => {
    const uuid = randomUUID();
    for (let i = 0; i < 2; i++) expect((await rest(s.url, nextClientIp(), basic(uuid, 'wrong'))).body.name).toBe('UNAUTHENTICATED');
    const refused = await rest(other.url, nextClientIp(), basic(uuid, 'wrong'));
    expect(refused).toMatchObject({ status: 429, body: { name: 'RATE_LIMITED' } });
    expect(await hitsOf(`auth-fail:device:${uuid}`)).toBe(3);
  });

  it('when credentials are good or absent then nothing is counted', async () => {
    const ip = nextClientIp();
    for (let i = 0; i < 5; i++) expect((await rest(s.url, ip, bearer(s.adminKey))).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await rest(s.url, ip, '')).body.name).toBe('UNAUTHENTICATED');
    expect(await hitsOf(`auth-fail:ip:${ip}`)).toBeUndefined();
  });

  it('when the client is limited then JSON-RPC answers RATE_LIMITED with data.retryAfter', async () => {
    const ip = nextClientIp();
    for (let i = 0; i < 4; i++) await rest(s.url, ip, bearer('tgk_wrong'));
    const res = await fetch(`${s.url}/rpc`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip, authorization: bearer(s.adminKey) },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/apikey/search', params: {} }),
    });
    expect(await res.json()).toEqual({
      jsonrpc: '2.0', id: 1,
      error: { code: 8002, message: 'Too many attempts; retry later', data: { name: 'RATE_LIMITED', retryAfter: expect.any(Number) } },
    });
  });
});

describe('consumeRateLimit / checkRateLimit', () => {
  const limit = { limit: 2, windowSeconds: 60 };

  it('when a call consumes and then rolls back then the attempt still counts', async () => {
    const bucket = `test:${randomUUID()}`;
    await expect(s.db.transaction(async (db) => {
      await consumeRateLimit(db, bucket, limit);
      throw new Error('the call failed');
    })).rejects.toThrow('the call failed');
    expect(await hitsOf(bucket)).toBe(1);
  });

  it('when the limit is used up then the next attempt throws RATE_LIMITED with retryAfter', async () => {
    const bucket = `test:${randomUUID()}`;
    await consumeRateLimit(s.db, bucket, limit);
    await checkRateLimit(s.db, bucket, limit);
    await consumeRateLimit(s.db, bucket, limit);
    const refused = await checkRateLimit(s.db, bucket, limit).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ errorName: 'RATE_LIMITED', data: { retryAfter: expect.any(Number) } });
    await expect(consumeRateLimit(s.db, bucket, limit)).rejects.toMatchObject({ errorName: 'RATE_LIMITED' });
    expect(await hitsOf(bucket)).toBe(3);
  });

  it('when the window has passed then counting starts again', async () => {
    const bucket = `test:${randomUUID()}`;
    const short = { limit: 1, windowSeconds: 60 };
    await consumeRateLimit(s.db, bucket, short);
    await expect(consumeRateLimit(s.db, bucket, short)).rejects.toMatchObject({ errorName: 'RATE_LIMITED', data: { retryAfter: 60 } });
    await s.clock.advance(59);
    await expect(consumeRateLimit(s.db, bucket, short)).rejects.toMatchObject({ errorName: 'RATE_LIMITED', data: { retryAfter: 1 } });
    await s.clock.advance(1.5);
    try {
      await consumeRateLimit(s.db, bucket, short);
      expect(await hitsOf(bucket)).toBe(1);
    } finally {
      await s.clock.reset();
    }
  });

  it('when many attempts race then none is lost', async () => {
    const bucket = `test:${randomUUID()}`;
    const big = { limit: 1000, windowSeconds: 60 };
    await Promise.all(Array.from({ length: 50 }, () => consumeRateLimit(s.db, bucket, big)));
    expect(await hitsOf(bucket)).toBe(50);
  });

  it('when every pooled connection is in a transaction that consumes then none waits on the pool', async () => {
    const bucket = `test:${randomUUID()}`;
    const big = { limit: 1000, windowSeconds: 60 };
    // The test pool has 10 connections: 20 transactions each holding one while counting.
    await Promise.all(Array.from({ length: 20 }, () => s.db.transaction(async (db) => {
      await db.rows('SELECT 1');
      await consumeRateLimit(db, bucket, big);
    })));
    expect(await hitsOf(bucket)).toBe(20);
  });
});

describe('failed credentials from a loopback client', () => {
  it('when a local client fails many times then it is not limited per IP, and a right key still works', async () => {
    const local = (authorization: string) => fetch(`${s.url}/rest/apikey/search`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: '{}',
    });
    for (let i = 0; i < 6; i++) expect((await local(bearer('tgk_wrong'))).status).toBe(401);
    expect((await local(bearer(s.adminKey))).status).toBe(200);
    expect(await hitsOf('auth-fail:ip:127.0.0.1')).toBeUndefined();
  });
});
