import { createApp } from '../../../src/app';
import { CallerCache } from '../../../src/gateway/caller-cache';
import { createLogger } from '../../../src/log';
import { allMethods } from '../../../src/methods';
import { followCallerChanges } from '../../../src/services/callers/caller-changes';
import { listenLocally, Listening } from '../../support/listen';
import { startTestServer, TestServer } from '../../support/server';
import { startCuttableRelay } from './server-processes';

/**
 * The process that revokes a credential must refuse it on its very next call, without
 * waiting for the database's notification: here the notification is held back on the
 * way to this process's listener, so only the process's own bookkeeping can do it.
 */
let s: TestServer;
let relay: Awaited<ReturnType<typeof startCuttableRelay>>;
let listener: { close(): Promise<void> };
let listening: Listening;
let url: string;
const cache = new CallerCache({ maxEntries: 100, ttlMs: 60_000 });

beforeAll(async () => {
  s = await startTestServer();
  relay = await startCuttableRelay(s.databaseUrl);
  const log = createLogger('silent');
  listener = followCallerChanges(cache, { listenUrl: relay.url, dataSource: s.db, log });
  for (let i = 0; !cache.isTrusted; i++) {
    if (i > 200) throw new Error('the cache did not start hearing');
    await new Promise((r) => setTimeout(r, 25));
  }
  const app = createApp({ dataSource: s.db, keys: s.keys, log, methods: allMethods, callerCache: cache });
  listening = await listenLocally(app);
  url = listening.url;
});
afterAll(async () => {
  relay.release();
  await listening.close();
  await listener.close();
  await relay.close();
  await s.close();
});

async function rpc(authorization: string, method: string, params: unknown) {
  const res = await fetch(`${url}/rpc`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return await res.json() as { result?: any; error?: { data: { name: string } } };
}
const admin = () => `Bearer ${s.adminKey}`;
const basic = (uuid: string, token: string) => `Basic ${Buffer.from(`${uuid}:${token}`).toString('base64')}`;

describe('credential cache in the revoking process', () => {
  afterEach(() => relay.release());

  it('when an API key is revoked through this process then its next call with the key is refused, notification or not', async () => {
    const { id, key } = (await rpc(admin(), '/apikey/create', { attrs: { name: 'local', scopes: ['admin'] } })).result;
    expect((await rpc(`Bearer ${key}`, '/apikey/search', { limit: 1 })).error).toBeUndefined();
    expect(cache.size).toBeGreaterThan(0);
    relay.hold();
    expect((await rpc(admin(), '/apikey/revoke', { id })).result).toEqual({ id, revokedAt: expect.any(String) });
    expect((await rpc(`Bearer ${key}`, '/apikey/search', { limit: 1 })).error?.data.name).toBe('UNAUTHENTICATED');
  });

  it('when a device token is revoked or reset through this process then it is refused on the next call', async () => {
    const device = (await rpc(admin(), '/device/register', { attrs: {} })).result;
    const session = (await rpc(admin(), '/device/generateAndStoreToken', { uuid: device.uuid })).result;
    for (const token of [device.token, session.token]) {
      expect((await rpc(basic(device.uuid, token), '/device/get', { uuid: device.uuid })).error).toBeUndefined();
    }
    relay.hold();
    await rpc(basic(device.uuid, device.token), '/device/revokeToken', { uuid: device.uuid, token: session.token });
    expect((await rpc(basic(device.uuid, session.token), '/device/get', { uuid: device.uuid })).error?.data.name).toBe('UNAUTHENTICATED');
    expect((await rpc(basic(device.uuid, device.token), '/device/get', { uuid: device.uuid })).error).toBeUndefined();
    await rpc(basic(device.uuid, device.token), '/device/resetToken', { uuid: device.uuid });
    expect((await rpc(basic(device.uuid, device.token), '/device/get', { uuid: device.uuid })).error?.data.name).toBe('UNAUTHENTICATED');
  });
});
