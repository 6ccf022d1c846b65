import { startTestServer, TestServer } from '../../support/server';
import { AuthStyle, DeviceCreds, deviceHeaders, post, register, rpcAs } from './device-helpers';

let s: TestServer;
let device: DeviceCreds;
let other: DeviceCreds;
beforeAll(async () => {
  s = await startTestServer();
  device = await register(s, { name: 'me' });
  other = await register(s);
});
afterAll(() => s.close());

const whoAmI = async (creds: DeviceCreds, style: AuthStyle) => {
  const reply = await rpcAs(s, creds, '/device/get', { uuid: device.uuid }, style);
  return reply.result?.uuid ?? reply.error.data.name;
};

describe('device credentials (Basic uuid:token and meshblu_auth_* headers)', () => {
  describe.each<AuthStyle>(['basic', 'meshblu'])('%s', (style) => {
    it('when the root token is presented then the caller is the device', async () => {
      expect(await whoAmI(device, style)).toBe(device.uuid);
    });

    it('when a live session token is presented then the caller is the device', async () => {
      const { token } = await s.call('/device/createSessionToken', { uuid: device.uuid, expiresOn: Date.now() + 60_000 });
      expect(await whoAmI({ uuid: device.uuid, token }, style)).toBe(device.uuid);
    });

    it.each([
      ['a wrong token', () => ({ uuid: device.uuid, token: 'tgd_wrong' })],
      ["another device's root token", () => ({ uuid: device.uuid, token: other.token })],
      ['an unknown uuid', () => ({ uuid: '00000000-0000-4000-8000-000000000001', token: device.token })],
      ['a uuid that is no uuid', () => ({ uuid: 'not-a-uuid', token: device.token })],
    ])('when %s is presented then 401 UNAUTHENTICATED', async (_what, creds) => {
      const reply = await post(s, 'rest', '/device/get', { uuid: device.uuid }, deviceHeaders(creds(), style));
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual({ error: 2001, message: 'Missing, unknown or revoked credentials', name: 'UNAUTHENTICATED', data: {} });
    });

    it('when a revoked session token is presented then UNAUTHENTICATED', async () => {
      const { token } = await s.call('/device/generateAndStoreToken', { uuid: device.uuid });
      await s.call('/device/revokeToken', { uuid: device.uuid, token });
      expect(await whoAmI({ uuid: device.uuid, token }, style)).toBe('UNAUTHENTICATED');
    });

    it('when an expired session token is presented then UNAUTHENTICATED', async () => {
      const { token } = await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'short', expiresOn: Date.now() + 60_000 });
      expect(await whoAmI({ uuid: device.uuid, token }, style)).toBe(device.uuid);
      await s.db.query(`UPDATE device_tokens SET expires_on = now() - interval '1 second' WHERE uuid = $1 AND tag = 'short'`, [device.uuid]);
      expect(await whoAmI({ uuid: device.uuid, token }, style)).toBe('UNAUTHENTICATED');
    });
  });

  it('when the uuid is written in upper case then it is the same device', async () => {
    expect(await whoAmI({ uuid: device.uuid.toUpperCase(), token: device.token }, 'basic')).toBe(device.uuid);
  });

  it('when a device calls a method that devices may not call then FORBIDDEN', async () => {
    const reply = await rpcAs(s, device, '/apikey/search', {});
    expect(reply.error.data.name).toBe('FORBIDDEN');
  });

  it('records the device as the caller in the audit log, never its token', async () => {
    await rpcAs(s, device, '/device/get', { uuid: device.uuid }, 'meshblu');
    const rows = await s.db.query(`SELECT caller, target FROM audit_log WHERE method = '/device/get' AND caller = $1`, [`device:${device.uuid}`]);
    expect(rows).toContainEqual({ caller: `device:${device.uuid}`, target: device.uuid });
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain(device.token.slice(4));
  });
});
