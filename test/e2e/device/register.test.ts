import { keyedHash } from '../../../src/domain/crypto/secrets';
import { startTestServer, TestServer } from '../../support/server';
import { MISSING_UUID, register, rpcAs } from './device-helpers';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const deviceRow = async (uuid: string) => (await s.db.query('SELECT * FROM devices WHERE uuid = $1', [uuid]))[0];
const deviceCount = async () => (await s.db.query('SELECT count(*)::int AS n FROM devices'))[0].n;

describe('/device/register', () => {
  it('when an API key registers then it answers {uuid, token} once and stores only HMAC(pepper, uuid:token)', async () => {
    const reply = await s.call('/device/register', { attrs: { name: 'thermostat', type: 'sensor' } }, await s.keyWith(['device']));
    expect(reply).toEqual({ uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), token: expect.stringMatching(/^tgd_[A-Za-z0-9_-]{43}$/) });
    const row = await deviceRow(reply.uuid);
    expect(row).toMatchObject({
      name: 'thermostat', type: 'sensor', owner: null, unregistered_at: null,
      whitelists: { configure: { update: [], as: [] }, discover: { view: [] } },
    });
    expect(row.root_token_hash).toEqual(keyedHash(s.keys.pepper, `${reply.uuid}:${reply.token}`));
    expect(JSON.stringify(await s.db.query('SELECT * FROM audit_log'))).not.toContain(reply.token.slice(4));
  });

  it('when a device registers one then it owns it and may view and update it, and nobody else may', async () => {
    const parent = await register(s);
    const child = (await rpcAs(s, parent, '/device/register', { attrs: { name: 'child' } })).result;
    expect(await deviceRow(child.uuid)).toMatchObject({
      owner: parent.uuid,
      whitelists: { configure: { update: [{ uuid: parent.uuid }], as: [] }, discover: { view: [{ uuid: parent.uuid }] } },
    });
    expect((await rpcAs(s, parent, '/device/update', { uuid: child.uuid, attrs: { name: 'renamed' } })).result.name).toBe('renamed');
    const other = await register(s);
    expect((await rpcAs(s, other, '/device/get', { uuid: child.uuid })).error.data.name).toBe('DEVICE_NOT_FOUND');
  });

  it('when whitelists are given then each given list replaces the owner default and uuids are stored lower case', async () => {
    const owner = await register(s);
    const viewer = '0F0F0F0F-0000-4000-8000-00000000000A';
    const { uuid } = await register(s, { owner: owner.uuid, whitelists: { discover: { view: [{ uuid: viewer }, { uuid: viewer }] }, configure: { as: [{ uuid: '*' }] } } });
    expect((await deviceRow(uuid)).whitelists).toEqual({
      configure: { update: [{ uuid: owner.uuid }], as: [{ uuid: '*' }] },
      discover: { view: [{ uuid: viewer.toLowerCase() }] },
    });
  });

  it.each([
    ['an unknown attribute', { attrs: { color: 'red' } }, 'QUERY_FIELD_NOT_ALLOWED'],
    ['a whitelist entry that is no uuid', { attrs: { whitelists: { configure: { update: [{ uuid: 'bob' }] } } } }, 'INVALID_PARAMS'],
    ['an unknown whitelist', { attrs: { whitelists: { broadcast: { sent: [] } } } }, 'QUERY_FIELD_NOT_ALLOWED'],
    ['an owner that is no uuid', { attrs: { owner: 'me' } }, 'INVALID_PARAMS'],
  ])('when the attrs hold %s then %s and nothing is stored', async (_what, params, name) => {
    const before = await deviceCount();
    expect((await s.rpc('/device/register', params)).error?.data.name).toBe(name);
    expect(await deviceCount()).toBe(before);
  });

  it('when the API key lacks scope device then FORBIDDEN', async () => {
    const reply = await s.rpc('/device/register', { attrs: {} }, await s.keyWith(['directory']));
    expect(reply.error?.data.name).toBe('FORBIDDEN');
  });
});

describe('/device/get', () => {
  it.each([
    ['itself', 'self'],
    ['a device in discover.view', 'viewer'],
    ['a device in configure.update', 'updater'],
  ])('when the caller is %s then it answers the device without any token', async (_who, which) => {
    const viewer = await register(s);
    const updater = await register(s);
    const device = await register(s, { name: 'd', whitelists: { discover: { view: [{ uuid: viewer.uuid }] }, configure: { update: [{ uuid: updater.uuid }] } } });
    const caller = { self: device, viewer, updater }[which]!;
    const reply = await rpcAs(s, caller, '/device/get', { uuid: device.uuid }, 'meshblu');
    expect(reply.result).toEqual({
      uuid: device.uuid, name: 'd', type: null, owner: null,
      whitelists: { configure: { update: [{ uuid: updater.uuid }], as: [] }, discover: { view: [{ uuid: viewer.uuid }] } },
      createdAt: expect.any(String), updatedAt: expect.any(String),
    });
  });

  it('when discover.view holds "*" then any device may read it', async () => {
    const device = await register(s, { whitelists: { discover: { view: [{ uuid: '*' }] } } });
    expect((await rpcAs(s, await register(s), '/device/get', { uuid: device.uuid })).result.uuid).toBe(device.uuid);
  });

  it('when the caller is only in configure.as then the same DEVICE_NOT_FOUND as for a missing device', async () => {
    const caller = await register(s);
    const device = await register(s, { whitelists: { configure: { as: [{ uuid: caller.uuid }] } } });
    const forbidden = await rpcAs(s, caller, '/device/get', { uuid: device.uuid });
    const missing = await rpcAs(s, caller, '/device/get', { uuid: MISSING_UUID });
    expect(forbidden).toEqual(missing);
    expect(missing.error).toEqual({ code: 4007, message: 'Device not found', data: { name: 'DEVICE_NOT_FOUND' } });
  });

  it('when the uuid is upper case or urn:uuid: prefixed then it names the same device', async () => {
    const { uuid } = await register(s);
    for (const spelled of [uuid.toUpperCase(), `urn:uuid:${uuid}`]) {
      expect((await s.call('/device/get', { uuid: spelled })).uuid).toBe(uuid);
      expect((await s.call('/device/generateAndStoreToken', { uuid: spelled })).uuid).toBe(uuid);
    }
  });

  it('supports return', async () => {
    const { uuid } = await register(s, { name: 'n' });
    expect(await s.call('/device/get', { uuid, return: ['uuid', 'name'] })).toEqual({ uuid, name: 'n' });
  });
});
