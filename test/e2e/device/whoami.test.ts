import { startTestServer, TestServer } from '../../support/server';
import { DeviceCreds, register, rpcAs } from './device-helpers';

let s: TestServer;
let device: DeviceCreds;
beforeAll(async () => {
  s = await startTestServer();
  device = await register(s, { name: 'me', type: 'sensor' });
});
afterAll(() => s.close());

describe('/device/whoami', () => {
  it.each(['basic', 'meshblu'] as const)('when a device calls it (%s credentials) then it gets itself, as /device/get answers', async (style) => {
    const me = await rpcAs(s, device, '/device/whoami', {}, style);
    const got = await rpcAs(s, device, '/device/get', { uuid: device.uuid });
    expect(me).toEqual({ jsonrpc: '2.0', id: 1, result: got.result });
    expect(me.result).toEqual({
      uuid: device.uuid, name: 'me', type: 'sensor', owner: null,
      whitelists: { configure: { update: [], as: [] }, discover: { view: [] } },
      createdAt: expect.any(String), updatedAt: expect.any(String),
    });
  });

  it('when return names uuid then only the uuid comes back', async () => {
    expect((await rpcAs(s, device, '/device/whoami', { return: ['uuid'] })).result).toEqual({ uuid: device.uuid });
  });

  it('when an API key calls it then FORBIDDEN: a key has no device', async () => {
    const reply = await s.rpc('/device/whoami', {});
    expect(reply.error).toEqual({ code: 3001, message: 'Only a device credential (uuid:token) has a device to answer', data: { name: 'FORBIDDEN', reason: 'NOT_A_DEVICE' } });
  });

  it('when the params hold anything else then QUERY_FIELD_NOT_ALLOWED', async () => {
    expect((await rpcAs(s, device, '/device/whoami', { uuid: device.uuid })).error.data.name).toBe('QUERY_FIELD_NOT_ALLOWED');
  });
});
