import { WebSocket } from 'ws';
import { startTestServer, TestServer } from '../../support/server';
import {
  auditRows, basicAuth, bearer, DeviceCreds, MISSING_UUID, openWs, rpcCall, WsClient, wsUrl,
} from './realtime-helpers';

let s: TestServer;
let device: DeviceCreds;
let listed: DeviceCreds;
let stranger: DeviceCreds;
const open: WsClient[] = [];
const connect = async (...args: Parameters<typeof openWs>) => {
  const client = await openWs(...args);
  open.push(client);
  return client;
};
beforeAll(async () => {
  s = await startTestServer();
  listed = await s.call('/device/register', { attrs: { name: 'listed' } });
  stranger = await s.call('/device/register', { attrs: { name: 'stranger' } });
  device = await s.call('/device/register', { attrs: { name: 'target', whitelists: { configure: { update: [{ uuid: listed.uuid }] } } } });
});
afterEach(async () => { await Promise.all(open.splice(0).map((c) => c.close())); });
afterAll(() => s.close());

describe('GET /ws: JSON-RPC 2.0 over a WebSocket', () => {
  it.each([
    ['Basic uuid:token', () => basicAuth(device)],
    ['meshblu_auth_uuid / meshblu_auth_token', () => ({ meshblu_auth_uuid: device.uuid, meshblu_auth_token: device.token })],
  ])('when a device signs in with %s then its calls answer as over POST /rpc and are audited', async (_how, headers) => {
    const client = await connect(s, headers());
    const reply = await client.call(rpcCall(7, '/device/generateAndStoreToken', { uuid: device.uuid }));
    expect(reply).toEqual({ jsonrpc: '2.0', id: 7, result: { uuid: device.uuid, token: expect.stringMatching(/^tgd_/), createdAt: expect.any(String) } });
    const rows = await auditRows(s, '/device/generateAndStoreToken', device.uuid);
    expect(rows.at(-1)).toEqual({ caller: `device:${device.uuid}`, method: '/device/generateAndStoreToken', target: device.uuid, outcome: 'ok', errorName: null });
  });

  it('when an API key comes as Bearer or as ?access_token= then the socket is that key', async () => {
    const key = await s.keyWith(['device']);
    for (const client of [await connect(s, bearer(key)), await connect(s, {}, { query: `?access_token=${encodeURIComponent(key)}` })]) {
      const reply = await client.call(rpcCall('a', '/device/get', { uuid: device.uuid }));
      expect(reply.result.uuid).toBe(device.uuid);
      const denied = await client.call(rpcCall('b', '/apikey/search', {}));
      expect(denied.error.data).toEqual({ name: 'FORBIDDEN', scope: 'admin' });
    }
  });

  it.each([
    ['no credentials', {}],
    ['a wrong device token', { authorization: `Basic ${Buffer.from(`${MISSING_UUID}:tgd_wrong`).toString('base64')}` }],
    ['an unknown API key', bearer('tgk_unknown')],
  ])('when the upgrade carries %s then it is refused with 401 and no socket is opened', async (_what, headers) => {
    await expect(openWs(s, headers)).rejects.toEqual({
      status: 401, headers: expect.anything(),
      body: { error: 2001, message: 'Missing, unknown or revoked credentials', name: 'UNAUTHENTICATED', data: {} },
    });
  });

  it('when a device is not whitelisted or the target is missing then the same DEVICE_NOT_FOUND as over HTTP', async () => {
    const client = await connect(s, basicAuth(stranger));
    const forbidden = await client.call(rpcCall(1, '/device/generateAndStoreToken', { uuid: device.uuid }));
    const missing = await client.call(rpcCall(1, '/device/generateAndStoreToken', { uuid: MISSING_UUID }));
    expect(forbidden).toEqual({ jsonrpc: '2.0', id: 1, error: { code: 4007, message: 'Device not found', data: { name: 'DEVICE_NOT_FOUND' } } });
    expect(missing).toEqual(forbidden);
    const allowed = await (await connect(s, basicAuth(listed))).call(rpcCall(2, '/device/generateAndStoreToken', { uuid: device.uuid }));
    expect(allowed.result.uuid).toBe(device.uuid);
  });

  it('when a batch is sent then its calls run in order, answer one array and are each audited', async () => {
    const client = await connect(s, bearer(s.adminKey));
    const gets = () => s.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE method = '/device/get' AND target = $1`, [device.uuid]);
    const [before] = await gets();
    const reply = await client.call([
      rpcCall('create', '/apikey/create', { attrs: { name: 'ws-batch', scopes: ['device'] } }),
      { jsonrpc: '2.0', method: '/device/get', params: { uuid: device.uuid } }, // a notification: run, not answered
      rpcCall('search', '/apikey/search', { match: [['name', '=', 'ws-batch']], return: ['id', 'name'] }),
    ]);
    expect(reply).toEqual([
      { jsonrpc: '2.0', id: 'create', result: { id: expect.any(String), key: expect.stringMatching(/^tgk_/) } },
      { jsonrpc: '2.0', id: 'search', result: { total: 1, rows: [{ id: reply[0].result.id, name: 'ws-batch' }] } },
    ]);
    expect(await auditRows(s, '/apikey/create', reply[0].result.id)).toEqual([
      { caller: expect.stringMatching(/^apikey:/), method: '/apikey/create', target: reply[0].result.id, outcome: 'ok', errorName: null },
    ]);
    expect((await gets())[0].n).toBe(before.n + 1);
  });

  it('when a message holds only notifications then nothing is answered, and the next call is', async () => {
    const client = await connect(s, bearer(s.adminKey));
    client.send([{ jsonrpc: '2.0', method: '/device/get', params: { uuid: device.uuid } }]);
    client.send({ jsonrpc: '2.0', method: '/device/get', params: { uuid: device.uuid } });
    expect(await client.call(rpcCall(3, '/device/get', { uuid: device.uuid }))).toMatchObject({ id: 3, result: { uuid: device.uuid } });
  });

  it('when a message is not JSON, an empty batch or not a call then JSON-RPC errors, and the socket stays open', async () => {
    const client = await connect(s, bearer(s.adminKey));
    expect(await client.call('{not json')).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'The body is not valid JSON', data: { name: 'PARSE_ERROR' } } });
    expect(await client.call([])).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'The request is not a valid call', data: { name: 'INVALID_REQUEST' } } });
    expect((await client.call({ id: 4 })).error.data.name).toBe('INVALID_REQUEST');
    expect((await client.call(rpcCall(5, '/no/such'))).error).toMatchObject({ code: -32601, data: { name: 'METHOD_NOT_FOUND' } });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('when the credential the socket signed in with is revoked then its next call is UNAUTHENTICATED and the socket closes 4401', async () => {
    const session = await s.call('/device/generateAndStoreToken', { uuid: device.uuid });
    const client = await connect(s, basicAuth({ uuid: device.uuid, token: session.token }));
    expect((await client.call(rpcCall(1, '/device/get', { uuid: device.uuid }))).result.uuid).toBe(device.uuid);
    await s.call('/device/revokeToken', { uuid: device.uuid, token: session.token });
    expect((await client.call(rpcCall(2, '/device/get', { uuid: device.uuid }))).error.data).toEqual({ name: 'UNAUTHENTICATED' });
    expect(await client.closed).toEqual({ code: 4401, reason: 'credentials no longer valid' });
  });

  it('when an upgrade asks for another path then 404 and no socket', async () => {
    const ws = new WebSocket(wsUrl(s).replace(/\/ws$/, '/elsewhere'), { headers: bearer(s.adminKey) });
    const status = await new Promise((resolve) => ws.once('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(status).toBe(404);
  });
});
