import { keyedHash } from '../../../src/domain/crypto/secrets';
import { startTestServer, TestServer } from '../../support/server';
import { DeviceCreds, deviceHeaders, MISSING_UUID, post, register, rpcAs } from './device-helpers';

let s: TestServer;
let listed: DeviceCreds;
let stranger: DeviceCreds;
beforeAll(async () => {
  s = await startTestServer();
  listed = await register(s, { name: 'listed' });
  stranger = await register(s, { name: 'stranger' });
});
afterAll(() => s.close());

const rootHash = async (uuid: string): Promise<Buffer> =>
  (await s.db.query('SELECT root_token_hash AS h FROM devices WHERE uuid = $1', [uuid]))[0].h;
const target = () => register(s, { name: 'target', whitelists: { configure: { update: [{ uuid: listed.uuid }] } } });

describe('/device/resetToken', () => {
  it.each([
    ['the device itself', (t: DeviceCreds) => t],
    ['a device in its configure.update whitelist', () => listed],
  ])('when the caller is %s then a new root token replaces the old one', async (_who, caller) => {
    const device = await target();
    const reply = await rpcAs(s, caller(device), '/device/resetToken', { uuid: device.uuid });
    expect(reply).toEqual({ jsonrpc: '2.0', id: 1, result: { uuid: device.uuid, token: expect.stringMatching(/^tgd_[A-Za-z0-9_-]{43}$/) } });
    expect(await rootHash(device.uuid)).toEqual(keyedHash(s.keys.pepper, `${device.uuid}:${reply.result.token}`));
    const withOld = await rpcAs(s, device, '/device/get', { uuid: device.uuid });
    expect(withOld.error.data.name).toBe('UNAUTHENTICATED');
    const withNew = await rpcAs(s, { uuid: device.uuid, token: reply.result.token }, '/device/get', { uuid: device.uuid });
    expect(withNew.result.uuid).toBe(device.uuid);
  });

  it('when the device has session tokens then they keep working, as in Meshblu', async () => {
    const device = await target();
    const session = await s.call('/device/generateAndStoreToken', { uuid: device.uuid });
    await s.call('/device/resetToken', { uuid: device.uuid });
    const reply = await rpcAs(s, { uuid: device.uuid, token: session.token }, '/device/get', { uuid: device.uuid }, 'meshblu');
    expect(reply.result.uuid).toBe(device.uuid);
  });

  it('when revokeSessionTokens is true then every session token ends with the old root token', async () => {
    const device = await target();
    const sessions = [await s.call('/device/generateAndStoreToken', { uuid: device.uuid }), await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 't' })];
    const other = await target();
    const kept = await s.call('/device/generateAndStoreToken', { uuid: other.uuid });
    const reply = await rpcAs(s, device, '/device/resetToken', { uuid: device.uuid, revokeSessionTokens: true });
    expect(reply.result).toEqual({ uuid: device.uuid, token: expect.stringMatching(/^tgd_/) });
    for (const session of sessions) {
      expect((await rpcAs(s, { uuid: device.uuid, token: session.token }, '/device/get', { uuid: device.uuid })).error.data.name).toBe('UNAUTHENTICATED');
    }
    expect((await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [device.uuid]))[0].n).toBe(0);
    expect((await rpcAs(s, { uuid: other.uuid, token: kept.token }, '/device/get', { uuid: other.uuid })).result.uuid).toBe(other.uuid);
  });

  it('when revokeSessionTokens is asked for a device the caller may not update then DEVICE_NOT_FOUND and its tokens stay', async () => {
    const device = await target();
    await s.call('/device/generateAndStoreToken', { uuid: device.uuid });
    const reply = await rpcAs(s, stranger, '/device/resetToken', { uuid: device.uuid, revokeSessionTokens: true });
    expect(reply.error.data.name).toBe('DEVICE_NOT_FOUND');
    expect((await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [device.uuid]))[0].n).toBe(1);
  });

  it('when the caller is not whitelisted then DEVICE_NOT_FOUND and the root token is unchanged', async () => {
    const device = await target();
    const before = await rootHash(device.uuid);
    const reply = await rpcAs(s, stranger, '/device/resetToken', { uuid: device.uuid });
    expect(reply).toEqual({ jsonrpc: '2.0', id: 1, error: { code: 4007, message: 'Device not found', data: { name: 'DEVICE_NOT_FOUND' } } });
    expect(await rootHash(device.uuid)).toEqual(before);
  });

  it('when the target is missing or forbidden then the replies are byte-for-byte identical', async () => {
    const device = await target();
    const headers = deviceHeaders(stranger, 'basic');
    const missing = await post(s, 'rest', '/device/resetToken', { uuid: MISSING_UUID }, headers);
    const forbidden = await post(s, 'rest', '/device/resetToken', { uuid: device.uuid }, headers);
    expect(missing.status).toBe(404);
    expect(forbidden.text).toBe(missing.text);
  });

  it('when the device is unregistered then DEVICE_NOT_FOUND and it gets no root token back', async () => {
    const device = await target();
    await s.call('/device/unregister', { uuid: device.uuid });
    const reply = await s.rpc('/device/resetToken', { uuid: device.uuid });
    expect(reply.error?.data.name).toBe('DEVICE_NOT_FOUND');
    expect(await rootHash(device.uuid)).toBeNull();
  });

  it('when the params hold anything beside uuid then QUERY_FIELD_NOT_ALLOWED and nothing changes', async () => {
    const device = await target();
    const before = await rootHash(device.uuid);
    const reply = await rpcAs(s, device, '/device/resetToken', { uuid: device.uuid, token: device.token });
    expect(reply.error.data.name).toBe('QUERY_FIELD_NOT_ALLOWED');
    expect(await rootHash(device.uuid)).toEqual(before);
  });

  it('when an API key lacks scope device then FORBIDDEN; the audit row names the device, never the token', async () => {
    const device = await target();
    const denied = await s.rpc('/device/resetToken', { uuid: device.uuid }, await s.keyWith(['token:read']));
    expect(denied.error?.data.name).toBe('FORBIDDEN');
    const { token } = await s.call('/device/resetToken', { uuid: device.uuid }, await s.keyWith(['device']));
    const rows = await s.db.query(`SELECT target, outcome FROM audit_log WHERE method = '/device/resetToken' AND target = $1 ORDER BY id`, [device.uuid]);
    expect(rows).toEqual([{ target: device.uuid, outcome: 'error' }, { target: device.uuid, outcome: 'ok' }]);
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain(token.slice(4));
  });
});
