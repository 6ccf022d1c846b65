import { gzipSync } from 'node:zlib';
import { createApp } from '../../../src/app';
import { createLogger } from '../../../src/log';
import { allMethods } from '../../../src/methods';
import type { RateLimitSettings } from '../../../src/services/rate-limit';
import { listenLocally, Listening } from '../../support/listen';
import { startTestServer, TestServer } from '../../support/server';
import { makeUser } from '../token/fixtures';

/**
 * POST /rpc is answered by one node:http handler beside express (rpc-route.ts).
 * Expected values are SPEC §1's JSON-RPC envelope and the error catalog's codes; each
 * edge case is also sent gzip-compressed, which the route inflates, and must answer the
 * same, byte for byte.
 */
const rateLimits: RateLimitSettings = {
  authFailuresPerIp: { limit: 2, windowSeconds: 60 },
  authFailuresPerDevice: null,
  verifyFailuresPerUser: null,
  passwordFailuresPerToken: null,
};

let s: TestServer;
/** The same database behind an app with a 1 kB body limit that trusts no proxy. */
let strict: Listening;
beforeAll(async () => {
  s = await startTestServer({ rateLimits });
  strict = await listenLocally(createApp({
    dataSource: s.db, keys: s.keys, log: createLogger('silent'), methods: allMethods, config: { rateLimits, bodyLimit: '1kb', trustProxy: false },
  }));
});
afterAll(async () => {
  await strict.close();
  await s.close();
});

interface Answer { status: number; text: string; contentType: string | null; requestId: string | null; retryAfter: string | null; etag: string | null }

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}, path = '/rpc'): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminKey}`, ...headers }, body,
  });
  return {
    status: res.status, text: await res.text(), contentType: res.headers.get('content-type'),
    requestId: res.headers.get('x-request-id'), retryAfter: res.headers.get('retry-after'), etag: res.headers.get('etag'),
  };
}

/** The same request with its body gzip-compressed. */
const compressed = (url: string, body: string, headers: Record<string, string> = {}) =>
  post(url, gzipSync(body), { ...headers, 'content-encoding': 'gzip' });

/** Everything but the ETag, which no client can use on a POST. */
const comparable = ({ etag: _etag, ...rest }: Answer) => rest;

const JSON_UTF8 = 'application/json; charset=utf-8';
const call = (method: string, id: number | string = 1) => ({ jsonrpc: '2.0', id, method, params: {} });

describe('POST /rpc', () => {
  it('when the body is not JSON then -32700 PARSE_ERROR with HTTP 200; compressed, the same', async () => {
    const headers = { 'x-request-id': 'parse-1' };
    const fast = await post(s.url, '{"jsonrpc":', headers);
    expect(fast).toEqual({
      status: 200, contentType: JSON_UTF8, requestId: 'parse-1', retryAfter: null, etag: null,
      text: '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"The body is not valid JSON","data":{"name":"PARSE_ERROR"}}}',
    });
    expect(comparable(await compressed(s.url, '{"jsonrpc":', headers))).toEqual(comparable(fast));
  });

  it('when the body is larger than the limit then BODY_TOO_LARGE (1014), and the connection still serves the next call', async () => {
    const big = JSON.stringify({ ...call('/apikey/search'), params: { pad: 'x'.repeat(2_000) } });
    const fast = await post(strict.url, big, { 'x-request-id': 'big-1' });
    expect(fast.status).toBe(200);
    expect(JSON.parse(fast.text)).toEqual({ jsonrpc: '2.0', id: null, error: { code: 1014, message: 'The body is too large', data: { name: 'BODY_TOO_LARGE' } } });
    expect(fast.requestId).toBe('big-1');
    // Chunked, so the limit is met while reading rather than from Content-Length.
    const chunked = await fetch(`${strict.url}/rpc`, {
      method: 'POST', headers: { authorization: `Bearer ${s.adminKey}` }, duplex: 'half',
      body: new Blob([big]).stream(),
    } as RequestInit & { duplex: 'half' });
    expect(await chunked.json()).toMatchObject({ error: { code: 1014 } });
    expect(JSON.parse((await post(strict.url, JSON.stringify(call('/apikey/search')))).text).result.total).toBeGreaterThan(0);
  });

  it('when the body is exactly the limit then it is read, one byte more is BODY_TOO_LARGE; chunked or compressed, the same', async () => {
    const sized = (bytes: number) => {
      const base = JSON.stringify({ ...call('/apikey/search'), params: { match: [['name', '=', 'test admin']] } });
      return `${base.slice(0, -1)}${' '.repeat(bytes - base.length)}}`; // JSON allows the spaces; the size is the body's
    };
    const chunkedPost = async (body: string) => (await fetch(`${strict.url}/rpc`, {
      method: 'POST', headers: { authorization: `Bearer ${s.adminKey}` }, duplex: 'half', body: new Blob([body]).stream(),
    } as RequestInit & { duplex: 'half' })).json() as Promise<{ result?: { total: number }; error?: { code: number } }>;
    const [fits, over] = [sized(1024), sized(1025)];
    expect([Buffer.byteLength(fits), Buffer.byteLength(over)]).toEqual([1024, 1025]);
    expect(JSON.parse((await post(strict.url, fits)).text).result.total).toBe(1);
    expect(JSON.parse((await post(strict.url, over)).text).error.code).toBe(1014);
    expect((await chunkedPost(fits)).result?.total).toBe(1);
    expect((await chunkedPost(over)).error?.code).toBe(1014);
    expect(JSON.parse((await compressed(strict.url, fits)).text).result.total).toBe(1);
    expect(JSON.parse((await compressed(strict.url, over)).text).error.code).toBe(1014);
  });

  it('when the content type is not JSON then the body is still read as JSON, as before', async () => {
    const body = JSON.stringify({ ...call('/apikey/search', 5), params: { match: [['name', '=', 'test admin']] } });
    const fast = await post(s.url, body, { 'content-type': 'text/plain', 'x-request-id': 'ct-1' });
    expect(JSON.parse(fast.text)).toMatchObject({ jsonrpc: '2.0', id: 5, result: { total: 1 } });
    expect(comparable(await compressed(s.url, body, { 'content-type': 'text/plain', 'x-request-id': 'ct-1' }))).toEqual(comparable(fast));
  });

  it('when the body is empty then -32700 PARSE_ERROR (no JSON text at all); compressed, the same', async () => {
    const fast = await post(s.url, '', { 'x-request-id': 'empty-1' });
    expect(JSON.parse(fast.text)).toMatchObject({ id: null, error: { code: -32700, data: { name: 'PARSE_ERROR' } } });
    expect(fast.contentType).toBe(JSON_UTF8);
    expect(comparable(await compressed(s.url, '', { 'x-request-id': 'empty-1' }))).toEqual(comparable(fast));
  });

  it('when a batch mixes calls and a notification then it answers an array of the calls; compressed, the same', async () => {
    const batch = JSON.stringify([call('/apikey/search', 'a'), { jsonrpc: '2.0', method: '/apikey/search', params: {} }, call('/nothing/here', 'b')]);
    const fast = await post(s.url, batch, { 'x-request-id': 'batch-1' });
    const replies = JSON.parse(fast.text) as Array<{ id: string; error?: { code: number } }>;
    expect(replies.map((r) => r.id)).toEqual(['a', 'b']);
    expect(replies[1].error?.code).toBe(-32601);
    expect(comparable(await compressed(s.url, batch, { 'x-request-id': 'batch-1' }))).toEqual(comparable(fast));
  });

  it('when a batch holds only notifications then HTTP 204 with no body and no content type', async () => {
    const batch = JSON.stringify([{ jsonrpc: '2.0', method: '/apikey/search', params: {} }]);
    const fast = await post(s.url, batch, { 'x-request-id': 'note-1' });
    expect(fast).toEqual({ status: 204, text: '', contentType: null, requestId: 'note-1', retryAfter: null, etag: null });
    expect(comparable(await compressed(s.url, batch, { 'x-request-id': 'note-1' }))).toEqual(comparable(fast));
  });

  it('when x-request-id is sane it is echoed; when it is not, a fresh UUID replaces it', async () => {
    expect((await post(s.url, JSON.stringify(call('/apikey/search')), { 'x-request-id': 'abc.DEF:1-2_3' })).requestId).toBe('abc.DEF:1-2_3');
    const replaced = await post(s.url, JSON.stringify(call('/apikey/search')), { 'x-request-id': 'bad id{}' });
    expect(replaced.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('when the path has a trailing slash, other case or a query then it is still the RPC route, as express matched it', async () => {
    for (const path of ['/rpc/', '/RPC', '/rpc?x=1']) {
      expect(JSON.parse((await post(s.url, JSON.stringify(call('/apikey/search')), {}, path)).text).result.total).toBeGreaterThan(0);
    }
    expect((await post(s.url, '{}', {}, '/rpcx')).status).toBe(404);
  });

  it('when a loopback proxy forwards a client then failed credentials are limited per forwarded IP, with Retry-After', async () => {
    const wrong = JSON.stringify(call('/apikey/search'));
    const as = (ip: string) => post(s.url, wrong, { authorization: 'Bearer tgk_wrong', 'x-forwarded-for': ip });
    for (let i = 0; i < 2; i++) expect(JSON.parse((await as('198.51.100.7')).text).error.data.name).toBe('UNAUTHENTICATED');
    const limited = await as('198.51.100.7');
    const reply = JSON.parse(limited.text);
    expect(reply.error).toMatchObject({ code: 8002, data: { name: 'RATE_LIMITED' } });
    expect(limited.status).toBe(200);
    expect(Number(limited.retryAfter)).toBe(Math.max(1, Math.ceil(reply.error.data.retryAfter)));
    // Another forwarded client is not limited, and the bucket is keyed on the forwarded address.
    expect(JSON.parse((await as('198.51.100.8')).text).error.data.name).toBe('UNAUTHENTICATED');
    const [row] = await s.db.query('SELECT hits FROM rate_limits WHERE bucket = $1', ['auth-fail:ip:198.51.100.7']);
    expect(row?.hits).toBeGreaterThanOrEqual(2);
  });

  it('when a call makes a link then its scheme is the one a trusted proxy forwarded, and the peer\'s when no proxy is trusted', async () => {
    const user = await makeUser(s);
    const token = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
    const linkVia = async (url: string) => {
      const answer = await post(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/token/getDownloadUrl', params: { token: { serial: token.serial } } }),
        { 'x-forwarded-proto': 'https' });
      return new URL(JSON.parse(answer.text).result.url);
    };
    expect((await linkVia(s.url)).origin).toBe(s.url.replace(/^http:/, 'https:'));
    expect((await linkVia(strict.url)).origin).toBe(strict.url);
  });

  it('when nothing is forwarded then the peer is the client: a loopback caller\'s failed credentials are not limited (credential-guard exempts loopback)', async () => {
    // Were the peer unknown, all three would count against one 'unknown' bucket (limit 2) and the third be RATE_LIMITED.
    for (let i = 0; i < 3; i++) {
      const answer = await post(s.url, JSON.stringify(call('/apikey/search')), { authorization: 'Bearer tgk_wrong' });
      expect(JSON.parse(answer.text).error.data.name).toBe('UNAUTHENTICATED');
    }
    expect(await s.db.query(`SELECT bucket FROM rate_limits WHERE bucket NOT LIKE 'auth-fail:ip:198.51.100.%'`)).toEqual([]);
  });

  it('when no proxy is trusted then X-Forwarded-For is ignored and the peer address is the client', async () => {
    const [before] = await s.db.query("SELECT count(*)::int AS n FROM rate_limits WHERE bucket = 'auth-fail:ip:198.51.100.99'");
    await post(strict.url, JSON.stringify(call('/apikey/search')), { authorization: 'Bearer tgk_wrong', 'x-forwarded-for': '198.51.100.99' });
    const [after] = await s.db.query("SELECT count(*)::int AS n FROM rate_limits WHERE bucket = 'auth-fail:ip:198.51.100.99'");
    expect(after.n).toBe(before.n);
    expect(before.n).toBe(0);
  });
});
