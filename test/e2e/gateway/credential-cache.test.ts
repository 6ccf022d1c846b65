import { randomBytes } from 'node:crypto';
import { sleep } from '../faults/fault-support';
import { cacheMetrics, freshDatabase, ServerProcess, spawnServer, startCuttableRelay } from './server-processes';

/**
 * SPEC §9 with two real server processes on one database: each caches callers, and a
 * revocation through one stops the credential in the other within one second. Process B
 * reaches PostgreSQL for its listener through a relay the test can cut.
 */
jest.setTimeout(60_000);

const shared = { masterKey: randomBytes(32).toString('base64'), adminKey: `tgk_${randomBytes(32).toString('base64url')}` };
let db: Awaited<ReturnType<typeof freshDatabase>>;
let relay: Awaited<ReturnType<typeof startCuttableRelay>>;
let a: ServerProcess;
let b: ServerProcess;

beforeAll(async () => {
  db = await freshDatabase();
  relay = await startCuttableRelay(db.url);
  a = await spawnServer(db.url, shared); // migrates and makes the admin key
  b = await spawnServer(db.url, shared, { TOKENGATE_LISTEN_URL: relay.url });
  await until(async () => (await cacheMetrics(a.url)).trusted === 1 && (await cacheMetrics(b.url)).trusted === 1, 'both caches trusted');
}, 240_000);
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  await relay?.close();
  await db?.drop();
});

type Auth = { bearer: string } | { uuid: string; token: string };
const header = (auth: Auth) => 'bearer' in auth
  ? `Bearer ${auth.bearer}` : `Basic ${Buffer.from(`${auth.uuid}:${auth.token}`).toString('base64')}`;

async function rpc(server: ServerProcess, auth: Auth, method: string, params: unknown = {}) {
  const res = await fetch(`${server.url}/rpc`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: header(auth) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return await res.json() as { result?: any; error?: { code: number; data: { name: string } } };
}
const admin: Auth = { bearer: shared.adminKey };
async function call(method: string, params: unknown) {
  const reply = await rpc(a, admin, method, params);
  if (reply.error) throw new Error(`${method}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

/** What `auth` gets from a cheap call on `server`: 'ok' or the error name. */
async function outcome(server: ServerProcess, auth: Auth): Promise<string> {
  const reply = 'bearer' in auth ? await rpc(server, auth, '/apikey/search', { limit: 1 }) : await rpc(server, auth, '/device/get', { uuid: auth.uuid });
  return reply.error ? reply.error.data.name : 'ok';
}

/** `auth` works on `server` and its second use there is served from the cache. */
async function expectCachedOn(server: ServerProcess, auth: Auth) {
  expect(await outcome(server, auth)).toBe('ok');
  const before = await cacheMetrics(server.url);
  expect(await outcome(server, auth)).toBe('ok');
  expect((await cacheMetrics(server.url)).hits).toBe(before.hits + 1);
}

/**
 * Milliseconds until `auth` is refused on `server` (polled every 10 ms, for at most 3 s).
 * Until then each call answers one of `meanwhile`.
 */
async function msUntilRefused(server: ServerProcess, auth: Auth, since: number, meanwhile = ['ok']): Promise<number> {
  for (;;) {
    const got = await outcome(server, auth);
    if (got === 'UNAUTHENTICATED') return Date.now() - since;
    expect(meanwhile).toContain(got);
    if (Date.now() - since > 3_000) throw new Error('still accepted after 3 s');
    await sleep(10);
  }
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('credential cache across two server processes', () => {
  it('when an API key is revoked through one process then the other refuses it within 1 s, and the first at once', async () => {
    const { id, key } = await call('/apikey/create', { attrs: { name: 'cached', scopes: ['admin'] } });
    const auth = { bearer: key };
    await expectCachedOn(a, auth);
    await expectCachedOn(b, auth);

    const revokedAt = Date.now();
    await call('/apikey/revoke', { id });
    expect(await outcome(a, auth)).toBe('UNAUTHENTICATED');
    expect(await msUntilRefused(b, auth, revokedAt)).toBeLessThan(1_000);
  });

  it('when device tokens are revoked, reset or unregistered through one process then the other refuses them within 1 s', async () => {
    const device = await call('/device/register', { attrs: { name: 'cached device' } });
    const session = { uuid: device.uuid, token: (await call('/device/generateAndStoreToken', { uuid: device.uuid })).token };
    const other = { uuid: device.uuid, token: (await call('/device/createSessionToken', { uuid: device.uuid, tag: 'x' })).token };
    for (const auth of [device, session, other]) await expectCachedOn(b, auth);

    let since = Date.now();
    await call('/device/revokeToken', session);
    expect(await msUntilRefused(b, session, since)).toBeLessThan(1_000);
    expect(await outcome(b, device)).toBe('ok');

    since = Date.now();
    const { token: newRoot } = await call('/device/resetToken', { uuid: device.uuid });
    expect(await msUntilRefused(b, device, since)).toBeLessThan(1_000);
    const reset = { uuid: device.uuid, token: newRoot };
    await expectCachedOn(b, reset);
    await expectCachedOn(b, other);

    since = Date.now();
    await call('/device/unregister', { uuid: device.uuid });
    // Until B hears of it, the device still signs in there, but the device is gone.
    expect(await msUntilRefused(b, reset, since, ['ok', 'DEVICE_NOT_FOUND'])).toBeLessThan(1_000);
    expect(await outcome(b, other)).toBe('UNAUTHENTICATED');
  });

  it('when a device resets its own token through one process then that process refuses the old one at once', async () => {
    const device = await call('/device/register', { attrs: {} });
    await expectCachedOn(b, device);
    const reply = await rpc(b, device, '/device/resetToken', { uuid: device.uuid });
    expect(reply.result).toEqual({ uuid: device.uuid, token: expect.any(String) });
    expect(await outcome(b, device)).toBe('UNAUTHENTICATED');
    expect(await outcome(b, { uuid: device.uuid, token: reply.result.token })).toBe('ok');
  });

  it('when the listener connection is lost then cached callers are not trusted, and a key revoked meanwhile fails', async () => {
    const { id, key } = await call('/apikey/create', { attrs: { name: 'revoked while deaf', scopes: ['admin'] } });
    await expectCachedOn(b, { bearer: key });

    relay.cut();
    await until(async () => (await cacheMetrics(b.url)).trusted === 0, 'B to stop trusting');
    await call('/apikey/revoke', { id }); // B cannot hear this one
    const before = await cacheMetrics(b.url);
    expect(await outcome(b, { bearer: key })).toBe('UNAUTHENTICATED');
    expect(await outcome(b, admin)).toBe('ok');
    const after = await cacheMetrics(b.url);
    expect([after.hits - before.hits, after.bypasses - before.bypasses]).toEqual([0, 2]);

    relay.restore();
    await until(async () => (await cacheMetrics(b.url)).trusted === 1, 'B to hear again');
    expect(await outcome(b, { bearer: key })).toBe('UNAUTHENTICATED');
    await expectCachedOn(b, admin); // caching again
  });

  it('when the listener backend is terminated then the cache starts over from the database and caches again once reconnected', async () => {
    const { key } = await call('/apikey/create', { attrs: { name: 'outlives the listener', scopes: ['admin'] } });
    await expectCachedOn(b, { bearer: key });
    const listeners = async (): Promise<number[]> => (await db.query(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'tokengate-listener' AND datname = current_database()`,
    )).map((r) => r.pid);
    const old = await listeners();
    expect(old).toHaveLength(2); // A's and B's
    await db.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [old]);
    // Both back on new connections (so B saw its loss), and B trusting again after its probe.
    await until(async () => (await listeners()).filter((pid) => !old.includes(pid)).length === 2, 'new listener connections');
    await until(async () => (await cacheMetrics(b.url)).trusted === 1, 'B to hear again');

    const before = await cacheMetrics(b.url);
    expect(await outcome(b, { bearer: key })).toBe('ok');
    expect(await outcome(b, { bearer: key })).toBe('ok');
    const after = await cacheMetrics(b.url);
    // The entry went with the connection: looked up once, then cached again.
    expect([after.misses - before.misses, after.hits - before.hits]).toEqual([1, 1]);
  });
});
