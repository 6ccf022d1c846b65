import jayson from 'jayson';
import { io, Socket } from 'socket.io-client';
import { startTestServer, TestServer } from '../../support/server';
import { DeviceCreds, failureOf, meshblu } from './meshblu-client';

/**
 * The two clients the issue found working, kept working: jayson (JSON-RPC 2.0) against
 * POST /rpc, and socket.io-client speaking Meshblu's events, here with credentials the
 * Meshblu HTTP routes made and ended.
 */
let s: TestServer;
const sockets: Socket[] = [];
beforeAll(async () => { s = await startTestServer(); });
afterEach(() => { for (const socket of sockets.splice(0)) socket.disconnect(); });
afterAll(() => s.close());

function rpcClient(key: string, header: 'authorization' | 'x-api-key' = 'authorization') {
  const { hostname, port } = new URL(s.url);
  const headers = header === 'authorization' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };
  const client = jayson.client.http({ hostname, port: Number(port), path: '/rpc', headers });
  return (method: string, params: Record<string, unknown>) => new Promise<any>((resolve, reject) => {
    const done: jayson.JSONRPCCallbackTypePlain = (err, reply) => (err ? reject(err) : resolve(reply));
    client.request(method, params, done);
  });
}

/** Socket.IO's Meshblu sign-in: `ready` or `notReady`, whichever comes first. */
function signIn(creds: DeviceCreds): Promise<{ event: string; payload: any }> {
  const socket = io(s.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), 5000);
    const done = (event: string) => (payload: unknown) => { clearTimeout(timer); resolve({ event, payload }); };
    socket.once('identify', () => socket.emit('identity', creds));
    socket.once('ready', done('ready'));
    socket.once('notReady', done('notReady'));
  });
}

describe('jayson against POST /rpc', () => {
  it('when jayson calls a method then it gets the JSON-RPC 2.0 result', async () => {
    const call = rpcClient(s.adminKey);
    const reply = await call('/device/register', { attrs: { name: 'via jayson' } });
    expect(reply).toEqual({ jsonrpc: '2.0', id: expect.anything(), result: { uuid: expect.any(String), token: expect.stringMatching(/^tgd_/) } });
    const device = await call('/device/get', { uuid: reply.result.uuid });
    expect(device.result).toMatchObject({ uuid: reply.result.uuid, name: 'via jayson' });
  });

  it('when the API key comes as X-API-KEY then it is the same caller, and an unknown one is UNAUTHENTICATED', async () => {
    const reply = await rpcClient(s.adminKey, 'x-api-key')('/device/register', { attrs: {} });
    expect(reply.result).toEqual({ uuid: expect.any(String), token: expect.stringMatching(/^tgd_/) });
    const refused = await rpcClient('tgk_unknown', 'x-api-key')('/device/register', { attrs: {} });
    expect(refused.error).toEqual({ code: 2001, message: 'Missing, unknown or revoked credentials', data: { name: 'UNAUTHENTICATED' } });
  });

  it('when the device is missing then jayson gets the error with its catalog name', async () => {
    const reply = await rpcClient(s.adminKey)('/device/get', { uuid: '00000000-0000-4000-8000-000000000000' });
    expect(reply).toEqual({ jsonrpc: '2.0', id: expect.anything(), error: { code: 4007, message: 'Device not found', data: { name: 'DEVICE_NOT_FOUND' } } });
  });
});

describe('socket.io-client with Meshblu HTTP credentials', () => {
  it('when meshblu-http makes a session token then it signs in over Socket.IO, and not once revoked', async () => {
    const device: DeviceCreds = await s.call('/device/register', { attrs: {} });
    const http = meshblu(s, device);
    const session = await http.generateAndStoreToken(device.uuid);
    expect(await signIn({ uuid: device.uuid, token: session.token })).toEqual({
      event: 'ready', payload: { api: 'connect', status: 201, socketid: expect.any(String), uuid: device.uuid },
    });
    await http.revokeToken(device.uuid, session.token);
    const refused = await signIn({ uuid: device.uuid, token: session.token });
    expect(refused).toMatchObject({ event: 'notReady', payload: { status: 401, uuid: device.uuid } });
    expect(await failureOf(meshblu(s, { uuid: device.uuid, token: session.token }).whoami())).toMatchObject({ code: 401 });
  });
});
