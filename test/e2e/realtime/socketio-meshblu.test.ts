import type { Socket } from 'socket.io-client';
import { startTestServer, TestServer } from '../../support/server';
import {
  auditRows, basicAuth, bearer, DeviceCreds, emitAck, MISSING_UUID, nextEvent, readySocket, socketIo,
} from './realtime-helpers';

let s: TestServer;
let listed: DeviceCreds;
let stranger: DeviceCreds;
let target: DeviceCreds;
const sockets: Socket[] = [];
const ready = async (opts: Parameters<typeof readySocket>[1]) => {
  const r = await readySocket(s, opts);
  sockets.push(r.socket);
  return r;
};
beforeAll(async () => {
  // With the credential cache, as served: a socket re-checks its credential on every call.
  s = await startTestServer({ callerCache: true });
  listed = await s.call('/device/register', { attrs: { name: 'listed' } });
  stranger = await s.call('/device/register', { attrs: { name: 'stranger' } });
  target = await s.call('/device/register', { attrs: { name: 'target', whitelists: { configure: { update: [{ uuid: listed.uuid }] } } } });
});
afterEach(() => { for (const socket of sockets.splice(0)) socket.disconnect(); });
afterAll(() => s.close());

const tokenCount = async (uuid: string) =>
  (await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [uuid]))[0].n;
const works = async (creds: DeviceCreds) => {
  const res = await fetch(`${s.url}/rest/device/get`, { method: 'POST', headers: { 'content-type': 'application/json', ...basicAuth(creds) }, body: JSON.stringify({ uuid: creds.uuid }) });
  return res.status === 200;
};

describe('Socket.IO: Meshblu device events', () => {
  describe('signing in', () => {
    it.each([
      ['the handshake auth {uuid, token}', () => ({ auth: { uuid: target.uuid, token: target.token } })],
      ['the handshake query uuid/token', () => ({ query: { uuid: target.uuid, token: target.token } })],
      ['an Authorization header', () => ({ extraHeaders: basicAuth(target) })],
    ])('when the device presents %s then it gets ready {uuid}', async (_how, opts) => {
      const { socket, ready: payload } = await ready(opts());
      expect(payload).toEqual({ api: 'connect', status: 201, socketid: socket.id, uuid: target.uuid });
    });

    it('when it connects bare (long-polling first) then it is asked to identify, and its identity makes it ready', async () => {
      const socket = socketIo(s, { transports: ['polling', 'websocket'] });
      sockets.push(socket);
      expect(await nextEvent(socket, 'identify')).toEqual({ socketid: socket.id });
      socket.emit('identity', { uuid: target.uuid, token: target.token });
      expect(await nextEvent(socket, 'ready')).toEqual({ api: 'connect', status: 201, socketid: socket.id, uuid: target.uuid });
      expect(Object.keys(await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid })).sort()).toEqual(['createdAt', 'token', 'uuid']);
    });

    it('when its identity is wrong then notReady, and its calls answer UNAUTHENTICATED', async () => {
      const socket = socketIo(s);
      sockets.push(socket);
      await nextEvent(socket, 'identify');
      socket.emit('identity', { uuid: target.uuid, token: 'tgd_wrong' });
      expect(await nextEvent(socket, 'notReady')).toEqual({
        api: 'connect', status: 401, uuid: target.uuid, error: 'Missing, unknown or revoked credentials', name: 'UNAUTHENTICATED',
      });
      expect(await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid })).toEqual({ error: 'Missing, unknown or revoked credentials', name: 'UNAUTHENTICATED' });
    });

    it('when the handshake credentials are wrong then the connection is refused', async () => {
      const socket = socketIo(s, { auth: { uuid: target.uuid, token: 'tgd_wrong' } });
      sockets.push(socket);
      const err = await nextEvent(socket, 'connect_error');
      expect({ message: err.message, data: err.data }).toEqual({ message: 'Missing, unknown or revoked credentials', data: { name: 'UNAUTHENTICATED', code: 2001 } });
      expect(socket.connected).toBe(false);
    });

    it('when an API key signs in by header then it is ready and may call as scope device', async () => {
      const { socket, ready: payload } = await ready({ extraHeaders: bearer(await s.keyWith(['device'])) });
      expect(payload).toEqual({ api: 'connect', status: 201, socketid: socket.id });
      expect((await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid })).uuid).toBe(target.uuid);
    });
  });

  describe('generateAndStoreToken', () => {
    it.each([
      ['itself', () => target],
      ['a device in its configure.update whitelist', () => listed],
    ])('when the caller is %s then the callback gets {uuid, token, createdAt}, the token works and the call is audited', async (_who, caller) => {
      const { socket } = await ready({ auth: caller() });
      const reply = await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid });
      expect(reply).toEqual({ uuid: target.uuid, token: expect.stringMatching(/^tgd_/), createdAt: expect.any(String) });
      expect(Object.keys(reply).sort()).toEqual(['createdAt', 'token', 'uuid']);
      expect(await works({ uuid: target.uuid, token: reply.token })).toBe(true);
      expect((await auditRows(s, '/device/generateAndStoreToken', target.uuid)).at(-1))
        .toEqual({ caller: `device:${caller().uuid}`, method: '/device/generateAndStoreToken', target: target.uuid, outcome: 'ok', errorName: null });
    });

    it('when the caller is not whitelisted or the device is missing then both answer {error: "Forbidden"} and nothing is stored', async () => {
      const { socket } = await ready({ auth: stranger });
      const before = await tokenCount(target.uuid);
      const forbidden = await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid });
      const missing = await emitAck(socket, 'generateAndStoreToken', { uuid: MISSING_UUID });
      expect(forbidden).toEqual({ error: 'Forbidden' });
      expect(missing).toEqual({ error: 'Forbidden' });
      expect(await tokenCount(target.uuid)).toBe(before);
      expect((await auditRows(s, '/device/generateAndStoreToken', MISSING_UUID)).at(-1)).toMatchObject({ outcome: 'error', errorName: 'DEVICE_NOT_FOUND' });
    });

    it('when the query holds more than uuid then the catalog error, never a result', async () => {
      const { socket } = await ready({ auth: target });
      const reply = await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid, tag: 'x' });
      expect(reply).toEqual({ error: 'A field the method does not take', name: 'QUERY_FIELD_NOT_ALLOWED', data: { errors: expect.any(Array) } });
    });

    it('when the params nest deeper than 32 levels then INVALID_PARAMS with data.max, as over HTTP', async () => {
      const { socket } = await ready({ auth: target });
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 40; i++) deep = { a: deep };
      const reply = await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid, ...deep });
      expect(reply).toEqual({
        error: 'The parameters are nested deeper than 32 levels', name: 'INVALID_PARAMS',
        data: { max: 32, errors: [{ path: `/a${'/a'.repeat(31)}`, message: 'nested deeper than 32 levels' }] },
      });
    });
  });

  describe('revokeToken and resetToken', () => {
    it('when a session token is revoked then the callback gets {revoked: 1} and the token stops working', async () => {
      const { socket } = await ready({ auth: target });
      const session = await emitAck(socket, 'generateAndStoreToken', { uuid: target.uuid });
      expect(await emitAck(socket, 'revokeToken', { uuid: target.uuid, token: session.token })).toEqual({ revoked: 1 });
      expect(await works({ uuid: target.uuid, token: session.token })).toBe(false);
      expect(await emitAck(socket, 'revokeToken', { uuid: MISSING_UUID, token: session.token })).toEqual({ error: 'Forbidden' });
    });

    it('when the root token is reset then {device: {uuid, token}}, and a socket signed in with the old one is told notReady and dropped', async () => {
      const device: DeviceCreds = await s.call('/device/register', { attrs: { whitelists: { configure: { update: [{ uuid: listed.uuid }] } } } });
      const { socket: old } = await ready({ auth: device });
      const { socket: admin } = await ready({ auth: listed });
      const reply = await emitAck(admin, 'resetToken', { uuid: device.uuid });
      expect(reply).toEqual({ device: { uuid: device.uuid, token: expect.stringMatching(/^tgd_/) } });
      expect(await works({ uuid: device.uuid, token: reply.device.token })).toBe(true);
      expect(await works(device)).toBe(false);

      const notReady = nextEvent(old, 'notReady');
      const dropped = nextEvent(old, 'disconnect');
      expect(await emitAck(old, 'generateAndStoreToken', { uuid: device.uuid })).toEqual({ error: 'Missing, unknown or revoked credentials', name: 'UNAUTHENTICATED' });
      expect(await notReady).toMatchObject({ status: 401, name: 'UNAUTHENTICATED' });
      expect(await dropped).toBe('io server disconnect');
      expect(await emitAck(admin, 'resetToken', { uuid: MISSING_UUID })).toEqual({ error: 'Forbidden' });
    });
  });

  it('when an event is not one of the API then the callback gets METHOD_NOT_FOUND', async () => {
    const { socket } = await ready({ auth: target });
    expect(await emitAck(socket, 'whoami')).toEqual({ error: 'No such method', name: 'METHOD_NOT_FOUND', data: { method: 'whoami' } });
    expect(await emitAck(socket, 'toString', {})).toMatchObject({ name: 'METHOD_NOT_FOUND' });
  });
});
