import { keyedHash } from '../../../src/domain/crypto/secrets';
import { startTestServer, TestServer } from '../../support/server';
import { AuthStyle, DeviceCreds, deviceHeaders, MISSING_UUID, post, register, rpcAs } from './device-helpers';

let s: TestServer;
let target: DeviceCreds;
let listed: DeviceCreds;
let stranger: DeviceCreds;
let open: DeviceCreds;
beforeAll(async () => {
  s = await startTestServer();
  listed = await register(s, { name: 'listed' });
  stranger = await register(s, { name: 'stranger' });
  target = await register(s, { name: 'target', whitelists: { configure: { update: [{ uuid: listed.uuid }] } } });
  open = await register(s, { name: 'open', whitelists: { configure: { update: [{ uuid: '*' }] } } });
});
afterAll(() => s.close());

const tokenCount = async (uuid: string) =>
  (await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [uuid]))[0].n;

describe('/device/generateAndStoreToken', () => {
  describe.each<AuthStyle>(['basic', 'meshblu'])('as a device (%s credentials)', (style) => {
    it.each([
      ['itself', () => target, () => target],
      ['a device in its configure.update whitelist', () => listed, () => target],
      ['any device when the whitelist holds "*"', () => stranger, () => open],
    ])('when the caller is %s then it answers {uuid, token, createdAt} and the token authenticates', async (_who, caller, device) => {
      const before = await tokenCount(device().uuid);
      const reply = await rpcAs(s, caller(), '/device/generateAndStoreToken', { uuid: device().uuid }, style);
      expect(reply).toEqual({ jsonrpc: '2.0', id: 1, result: { uuid: device().uuid, token: expect.stringMatching(/^tgd_[A-Za-z0-9_-]{43}$/), createdAt: expect.any(String) } });
      expect(Object.keys(reply.result).sort()).toEqual(['createdAt', 'token', 'uuid']);
      expect(await tokenCount(device().uuid)).toBe(before + 1);
      const asNewToken = await rpcAs(s, { uuid: device().uuid, token: reply.result.token }, '/device/get', { uuid: device().uuid }, style);
      expect(asNewToken.result.uuid).toBe(device().uuid);
    });

    it('when the caller is not whitelisted then DEVICE_NOT_FOUND and nothing is stored', async () => {
      const before = await tokenCount(target.uuid);
      const reply = await rpcAs(s, stranger, '/device/generateAndStoreToken', { uuid: target.uuid }, style);
      expect(reply).toEqual({ jsonrpc: '2.0', id: 1, error: { code: 4007, message: 'Device not found', data: { name: 'DEVICE_NOT_FOUND' } } });
      expect(await tokenCount(target.uuid)).toBe(before);
    });

    it('when the target does not exist then DEVICE_NOT_FOUND', async () => {
      const reply = await rpcAs(s, stranger, '/device/generateAndStoreToken', { uuid: MISSING_UUID }, style);
      expect(reply.error.data).toEqual({ name: 'DEVICE_NOT_FOUND' });
    });

    it('when the credentials are wrong then UNAUTHENTICATED', async () => {
      const reply = await rpcAs(s, { uuid: target.uuid, token: 'tgd_wrong' }, '/device/generateAndStoreToken', { uuid: target.uuid }, style);
      expect(reply.error).toEqual({ code: 2001, message: 'Missing, unknown or revoked credentials', data: { name: 'UNAUTHENTICATED' } });
    });
  });

  it.each<['rpc' | 'rest']>([['rpc'], ['rest']])('when the target is missing or forbidden then the %s replies are byte-for-byte identical', async (route) => {
    const headers = deviceHeaders(stranger, 'basic');
    const missing = await post(s, route, '/device/generateAndStoreToken', { uuid: MISSING_UUID }, headers);
    const forbidden = await post(s, route, '/device/generateAndStoreToken', { uuid: target.uuid }, headers);
    expect(forbidden.status).toBe(missing.status);
    expect(forbidden.text).toBe(missing.text);
    expect(missing.status).toBe(route === 'rpc' ? 200 : 404);
    if (route === 'rest') expect(missing.body).toEqual({ error: 4007, message: 'Device not found', name: 'DEVICE_NOT_FOUND', data: {} });
  });

  it('when the target is unregistered then the same DEVICE_NOT_FOUND as a missing one', async () => {
    const gone = await register(s, { whitelists: { configure: { update: [{ uuid: '*' }] } } });
    await s.call('/device/unregister', { uuid: gone.uuid });
    const headers = deviceHeaders(stranger, 'meshblu');
    const missing = await post(s, 'rest', '/device/generateAndStoreToken', { uuid: MISSING_UUID }, headers);
    const unregistered = await post(s, 'rest', '/device/generateAndStoreToken', { uuid: gone.uuid }, headers);
    expect(unregistered.text).toBe(missing.text);
  });

  it('when the params hold anything beside uuid then QUERY_FIELD_NOT_ALLOWED and nothing is stored', async () => {
    const before = await tokenCount(target.uuid);
    const reply = await rpcAs(s, target, '/device/generateAndStoreToken', { uuid: target.uuid, tag: 'x' });
    expect(reply.error.data.name).toBe('QUERY_FIELD_NOT_ALLOWED');
    expect(await tokenCount(target.uuid)).toBe(before);
  });

  it('when an API key with scope device calls then it may, and one without that scope is FORBIDDEN', async () => {
    const ok = await s.call('/device/generateAndStoreToken', { uuid: target.uuid }, await s.keyWith(['device']));
    expect(ok.uuid).toBe(target.uuid);
    const denied = await s.rpc('/device/generateAndStoreToken', { uuid: target.uuid }, await s.keyWith(['token:read']));
    expect(denied.error?.data.name).toBe('FORBIDDEN');
  });

  it('stores only HMAC(pepper, uuid:token) and never the token, in the tokens or the audit log', async () => {
    const { token } = await s.call('/device/generateAndStoreToken', { uuid: target.uuid });
    const rows = await s.db.query('SELECT hash FROM device_tokens WHERE hash = $1', [keyedHash(s.keys.pepper, `${target.uuid}:${token}`)]);
    expect(rows).toHaveLength(1);
    const dump = JSON.stringify(await s.db.query('SELECT * FROM device_tokens')) + JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    expect(dump).not.toContain(token.slice(4));
  });
});
