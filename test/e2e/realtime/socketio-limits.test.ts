import { setTimeout as sleep } from 'node:timers/promises';
import type { Socket } from 'socket.io-client';
import { loadConfig } from '../../../src/config';
import { startTestServer, TestServer } from '../../support/server';
import { bearer, DeviceCreds, emitAck, nextEvent, openWs, readySocket, rpcCall, socketIo, WsClient } from './realtime-helpers';

const LIMITS = { maxConnections: 2, maxMessageBytes: 16 * 1024, maxInFlight: 1, maxQueued: 1, idleTimeoutMs: 800, authTimeoutMs: 400 };
let s: TestServer;
let device: DeviceCreds;
const sockets: Socket[] = [];
const ready = async () => {
  const r = await readySocket(s, { auth: device });
  sockets.push(r.socket);
  return r.socket;
};
beforeAll(async () => {
  s = await startTestServer({
    realtime: LIMITS, rateLimits: loadConfig({ TOKENGATE_RATE_LIMIT_AUTH_DEVICE: '2/300' }).rateLimits,
    rpcBatchMax: 150, // the shutdown test keeps a long batch running
  });
  device = await s.call('/device/register', { attrs: {} });
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await sleep(50); // the server's side of the closed sockets gives their slots back
});

describe('Socket.IO limits, and shutting down', () => {
  it('when a socket emits more calls than it may have in flight and queued then the excess is answered RATE_LIMITED, unrun', async () => {
    const socket = await ready();
    const before = (await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [device.uuid]))[0].n;
    const replies = await Promise.all([1, 2, 3, 4].map(() => emitAck(socket, 'generateAndStoreToken', { uuid: device.uuid })));
    expect(replies.slice(0, 2).map((r) => r.uuid)).toEqual([device.uuid, device.uuid]);
    for (const r of replies.slice(2)) {
      expect(r).toEqual({ error: 'Too many attempts; retry later', name: 'RATE_LIMITED', data: { maxInFlight: 1, maxQueued: 1 } });
    }
    const after = (await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [device.uuid]))[0].n;
    expect(after - before).toBe(2);
  });

  it('when a bare connection does not identify in time then it is dropped', async () => {
    const socket = socketIo(s);
    sockets.push(socket);
    await nextEvent(socket, 'identify');
    const started = Date.now();
    expect(await nextEvent(socket, 'disconnect')).toBe('io server disconnect');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.authTimeoutMs - 100);
  });

  it('when a signed-in socket emits nothing for the idle timeout then it is dropped', async () => {
    const socket = await ready();
    const started = Date.now();
    expect(await nextEvent(socket, 'disconnect', 3000)).toBe('io server disconnect');
    expect(Date.now() - started).toBeGreaterThanOrEqual(LIMITS.idleTimeoutMs - 100);
  });

  it('when an event is larger than the limit then the connection is closed', async () => {
    const socket = await ready();
    const dropped = nextEvent(socket, 'disconnect');
    socket.emit('generateAndStoreToken', { uuid: device.uuid, pad: 'x'.repeat(LIMITS.maxMessageBytes) });
    expect(await dropped).toBe('transport close');
  });

  it('when /ws and Socket.IO together hold every connection slot then both refuse more', async () => {
    const ws = await openWs(s, bearer(s.adminKey));
    await ready();
    const refused = socketIo(s, { auth: device });
    sockets.push(refused);
    expect((await nextEvent(refused, 'connect_error')).message).toBe('websocket error');
    await expect(openWs(s, bearer(s.adminKey))).rejects.toMatchObject({ status: 503 });
    await ws.close();
  });

  it('when identities keep failing for a device then notReady says RATE_LIMITED, even for the right token', async () => {
    const guessed: DeviceCreds = await s.call('/device/register', { attrs: {} });
    const socket = socketIo(s);
    sockets.push(socket);
    await nextEvent(socket, 'identify');
    const identity = async (token: string) => { socket.emit('identity', { uuid: guessed.uuid, token }); return nextEvent(socket, 'notReady'); };
    for (let i = 0; i < 2; i++) expect(await identity('tgd_wrong')).toMatchObject({ status: 401, name: 'UNAUTHENTICATED' });
    expect(await identity(guessed.token)).toEqual({
      api: 'connect', status: 429, uuid: guessed.uuid, error: 'Too many attempts; retry later', name: 'RATE_LIMITED', data: { retryAfter: expect.any(Number) },
    });
  });

  it('when the server shuts down then calls already received are answered before the sockets close', async () => {
    const ws: WsClient = await openWs(s, bearer(s.adminKey));
    // One message, 150 calls run one after another: still running when the shutdown starts.
    ws.send(Array.from({ length: 150 }, (_, i) => rpcCall(i, '/device/get', { uuid: device.uuid })));
    await sleep(30);
    const closing = s.close();
    const reply = await ws.next();
    expect(reply).toHaveLength(150);
    expect(reply.every((r: any) => r.result?.uuid === device.uuid)).toBe(true);
    expect(await ws.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    await closing;
  });
});
