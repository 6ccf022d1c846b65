import type { Socket as NetSocket } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { createLogger } from '../../../src/log';
import { loadConfig } from '../../../src/config';
import { startTestServer, TestServer } from '../../support/server';
import { basicAuth, bearer, openWs, rpcCall, WsClient } from './realtime-helpers';

const LIMITS = {
  maxConnections: 3, maxMessageBytes: 64 * 1024, maxInFlight: 1, maxQueued: 1,
  maxBufferedBytes: 256 * 1024, heartbeatMs: 1000, idleTimeoutMs: 600,
};
const warnings: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) warnings.push(JSON.parse(line));
    done();
  },
});
let s: TestServer;
let device: { uuid: string; token: string };
const open: WsClient[] = [];
const connect = async (opts: Parameters<typeof openWs>[2] = {}) => {
  const client = await openWs(s, bearer(s.adminKey), opts);
  open.push(client);
  return client;
};
beforeAll(async () => {
  s = await startTestServer({
    realtime: LIMITS, log: createLogger('warn', sink), rateLimits: loadConfig({ TOKENGATE_RATE_LIMIT_AUTH_DEVICE: '2/300' }).rateLimits,
    rpcBatchMax: 4000, // the slow-reader test needs big replies: batches of 4000 invalid calls
  });
  device = await s.call('/device/register', { attrs: {} });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => (c.ws.readyState === WebSocket.CLOSED ? c.closed : c.close())));
  await sleep(50); // the server's side of the closed sockets gives their slots back
});
afterAll(() => s.close());

/** Sends `[]` (answered at once, no database) every `ms`: traffic that is not a call. */
function chatter(client: WsClient, ms: number) {
  const timer = setInterval(() => client.ws.readyState === WebSocket.OPEN && client.send([]), ms);
  return () => clearInterval(timer);
}

describe('GET /ws limits', () => {
  it('when a socket sends nothing for the idle timeout then it is closed with 4408; traffic keeps it open', async () => {
    // taken before the quiet socket opens, so a slow second connect cannot shorten what is measured
    const started = Date.now();
    const quiet = await connect();
    const busy = await connect();
    const stop = chatter(busy, 150);
    expect(await quiet.closed).toEqual({ code: 4408, reason: 'idle timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs);
    await sleep(400);
    expect(busy.ws.readyState).toBe(WebSocket.OPEN);
    stop();
  });

  it('when a peer does not answer pings then it is dropped', async () => {
    const deaf = await connect({ autoPong: false });
    const stop = chatter(deaf, 100); // not idle, only deaf
    const started = Date.now();
    expect((await deaf.closed).code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(2 * LIMITS.heartbeatMs + 500);
    stop();
  });

  it('when a message is larger than the limit then the socket is closed with 1009', async () => {
    const client = await connect();
    client.send(JSON.stringify(rpcCall(1, '/device/get', { uuid: device.uuid, pad: 'x'.repeat(LIMITS.maxMessageBytes) })));
    expect((await client.closed).code).toBe(1009);
  });

  it('when a socket sends more calls than it may have in flight and queued then the excess is RATE_LIMITED, unrun, and other sockets are served', async () => {
    const flood = await connect();
    const other = await connect();
    for (const id of [1, 2, 3, 4]) flood.send(rpcCall(id, '/device/generateAndStoreToken', { uuid: device.uuid }));
    const replies = await Promise.all([1, 2, 3, 4].map(() => flood.next()));
    const byId = Object.fromEntries(replies.map((r) => [r.id, r]));
    expect(byId[1].result.uuid).toBe(device.uuid);
    expect(byId[2].result.uuid).toBe(device.uuid);
    for (const id of [3, 4]) {
      expect(byId[id]).toEqual({ jsonrpc: '2.0', id, error: { code: 8002, message: 'Too many attempts; retry later', data: { name: 'RATE_LIMITED', maxInFlight: 1, maxQueued: 1 } } });
    }
    const issued = await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [device.uuid]);
    expect(issued[0].n).toBe(2);
    expect((await other.call(rpcCall(9, '/device/get', { uuid: device.uuid }))).result.uuid).toBe(device.uuid);
  });

  it('when the queue is full and a batch over the batch limit arrives then it is refused once, not answered call by call', async () => {
    const flood = await connect();
    for (const id of [1, 2]) flood.send(rpcCall(id, '/device/generateAndStoreToken', { uuid: device.uuid }));
    flood.send(Array.from({ length: 4001 }, (_, i) => ({ id: i }))); // while those two fill in-flight and queue
    const replies = await Promise.all([1, 2, 3].map(() => flood.next()));
    expect(replies.filter((r) => Array.isArray(r))).toEqual([]);
    expect(replies.find((r) => r.id === null)).toEqual({
      jsonrpc: '2.0', id: null, error: { code: -32600, message: 'A batch may hold at most 4000 calls; this one holds 4001', data: { name: 'INVALID_REQUEST', max: 4000 } },
    });
  });

  it('when the connection limit is reached then further upgrades are refused with the catalog\'s SERVICE_UNAVAILABLE and Retry-After', async () => {
    for (let i = 0; i < LIMITS.maxConnections; i++) await connect();
    await expect(openWs(s, bearer(s.adminKey))).rejects.toMatchObject({
      status: 503, headers: { 'retry-after': '5' },
      body: { error: 9001, name: 'SERVICE_UNAVAILABLE', message: 'No free connection; retry later', data: { retryAfter: 5, reason: 'NO_FREE_CONNECTION' } },
    });
    await open.pop()!.close();
    await sleep(50);
    await connect();
  });

  it('when a device\'s credentials keep failing then upgrades are refused 429 with Retry-After, as HTTP calls are', async () => {
    const wrong = basicAuth({ uuid: device.uuid, token: 'tgd_wrong' });
    for (let i = 0; i < 2; i++) await expect(openWs(s, wrong)).rejects.toMatchObject({ status: 401 });
    const refused = openWs(s, basicAuth(device));
    await expect(refused).rejects.toMatchObject({ status: 429, headers: { 'retry-after': expect.stringMatching(/^\d+$/) }, body: { name: 'RATE_LIMITED', data: { retryAfter: expect.any(Number) } } });
  });

  it('when a client stops reading its replies then it is dropped once they pile up past the cap', async () => {
    const slow = await connect();
    const socket = (slow.ws as unknown as { _socket: NetSocket })._socket;
    socket.pause(); // replies stay in the kernel buffers, then in the server's
    // 40 batches of 4000 invalid calls: ~0.5 MB of INVALID_REQUEST replies each, no database work.
    const batch = JSON.stringify(Array(4000).fill(1));
    const started = Date.now();
    for (let i = 0; i < 40; i++) slow.send(batch);
    while (!warnings.some((w) => w.msg === 'realtime: slow reader dropped') && Date.now() - started < 3000) await sleep(20);
    // dropped for its unread replies, before the heartbeat (1 s) could notice it no longer answers pings
    expect(Date.now() - started).toBeLessThan(LIMITS.heartbeatMs);
    expect(warnings).toContainEqual(expect.objectContaining({
      msg: 'realtime: slow reader dropped', caller: expect.stringMatching(/^apikey:/), bufferedAmount: expect.any(Number),
    }));
    socket.resume();
    expect(await slow.closed).toMatchObject({ code: 1006 });
  });
});
