import { startTestServer, TestServer } from '../../support/server';
import { deviceHeaders, MISSING_UUID, post, register, rpcAs } from './device-helpers';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const deviceRow = async (uuid: string) => (await s.db.query('SELECT name, type, owner, whitelists, root_token_hash, unregistered_at FROM devices WHERE uuid = $1', [uuid]))[0];

describe('/device/update', () => {
  it('when the caller is in configure.update then fields given replace, null clears, and whitelist lists merge one by one', async () => {
    const updater = await register(s);
    const viewer = await register(s);
    const device = await register(s, { name: 'a', type: 't', whitelists: { configure: { update: [{ uuid: updater.uuid }] }, discover: { view: [{ uuid: viewer.uuid }] } } });
    const reply = await rpcAs(s, updater, '/device/update', { uuid: device.uuid, attrs: { name: 'b', type: null, 'whitelists.configure.as': [{ uuid: '*' }] } });
    const whitelists = { configure: { update: [{ uuid: updater.uuid }], as: [{ uuid: '*' }] }, discover: { view: [{ uuid: viewer.uuid }] } };
    expect(reply.result).toEqual({ uuid: device.uuid, name: 'b', type: null, owner: null, whitelists, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(await deviceRow(device.uuid)).toMatchObject({ name: 'b', type: null, whitelists });
  });

  it.each([
    ['only in discover.view', (viewer: string) => ({ discover: { view: [{ uuid: viewer }] } })],
    ['in no whitelist', () => ({})],
  ])('when the caller is %s then DEVICE_NOT_FOUND, identical to a missing device, and nothing changes', async (_who, whitelists) => {
    const caller = await register(s);
    const device = await register(s, { name: 'keep', whitelists: whitelists(caller.uuid) });
    const before = await deviceRow(device.uuid);
    const headers = deviceHeaders(caller, 'basic');
    const forbidden = await post(s, 'rest', '/device/update', { uuid: device.uuid, attrs: { name: 'x' } }, headers);
    const missing = await post(s, 'rest', '/device/update', { uuid: MISSING_UUID, attrs: { name: 'x' } }, headers);
    expect(forbidden.status).toBe(404);
    expect(forbidden.text).toBe(missing.text);
    expect(await deviceRow(device.uuid)).toEqual(before);
  });

  it('when a whitelisted device removes itself then it loses access', async () => {
    const updater = await register(s);
    const device = await register(s, { whitelists: { configure: { update: [{ uuid: updater.uuid }] } } });
    await rpcAs(s, updater, '/device/update', { uuid: device.uuid, attrs: { whitelists: { configure: { update: [] } } } });
    expect((await rpcAs(s, updater, '/device/get', { uuid: device.uuid })).error.data.name).toBe('DEVICE_NOT_FOUND');
  });
});

describe('/device/unregister', () => {
  it('when the device unregisters itself then its root and session tokens stop working and a tombstone remains', async () => {
    const device = await register(s);
    const session = await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'app' });
    expect(await rpcAs(s, device, '/device/unregister', { uuid: device.uuid })).toEqual({ jsonrpc: '2.0', id: 1, result: { uuid: device.uuid, unregisteredAt: expect.any(String) } });
    expect(await deviceRow(device.uuid)).toMatchObject({ root_token_hash: null, unregistered_at: expect.any(Date) });
    expect(await s.db.query('SELECT 1 FROM device_tokens WHERE uuid = $1', [device.uuid])).toEqual([]);
    for (const creds of [device, { uuid: device.uuid, token: session.token }]) {
      expect((await rpcAs(s, creds, '/device/get', { uuid: device.uuid })).error.data.name).toBe('UNAUTHENTICATED');
    }
    expect((await s.rpc('/device/get', { uuid: device.uuid })).error?.data.name).toBe('DEVICE_NOT_FOUND');
    expect((await s.rpc('/device/unregister', { uuid: device.uuid })).error?.data.name).toBe('DEVICE_NOT_FOUND');
  });

  it('when the caller may only view the device then DEVICE_NOT_FOUND and the device stays', async () => {
    const viewer = await register(s);
    const device = await register(s, { whitelists: { discover: { view: [{ uuid: viewer.uuid }] } } });
    expect((await rpcAs(s, viewer, '/device/unregister', { uuid: device.uuid })).error.data.name).toBe('DEVICE_NOT_FOUND');
    expect(await deviceRow(device.uuid)).toMatchObject({ unregistered_at: null });
  });
});
