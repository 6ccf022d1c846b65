import { startTestServer, TestServer } from '../../support/server';
import { DeviceCreds, MISSING_UUID, register, rpcAs } from './device-helpers';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const expire = (token: string, uuid: string) => s.db.query(
  `UPDATE device_tokens SET expires_on = now() - interval '1 second' WHERE hash = (SELECT hash FROM device_tokens WHERE uuid = $1 ORDER BY created_at DESC LIMIT 1)`, [uuid],
).then(() => token);
const verify = async (creds: DeviceCreds) => (await s.call('/device/verifyToken', creds)).valid;

describe('/device/createSessionToken', () => {
  it('when given a tag and an ISO expiresOn then it answers the token with its metadata', async () => {
    const device = await register(s);
    const expiresOn = new Date(Date.now() + 3_600_000).toISOString();
    const reply = await rpcAs(s, device, '/device/createSessionToken', { uuid: device.uuid, tag: 'mobile', expiresOn });
    expect(reply.result).toEqual({ uuid: device.uuid, token: expect.stringMatching(/^tgd_/), createdAt: expect.any(String), tag: 'mobile', expiresOn });
    expect(await verify({ uuid: device.uuid, token: reply.result.token })).toBe(true);
  });

  it('when expiresOn is epoch milliseconds (Meshblu) then it is taken as that instant', async () => {
    const device = await register(s);
    const at = Date.now() + 60_000;
    const { expiresOn } = await s.call('/device/createSessionToken', { uuid: device.uuid, expiresOn: at });
    expect(expiresOn).toBe(new Date(at).toISOString());
  });

  it('when expiresOn is in the past then EXPIRES_AT_IN_PAST and nothing is stored', async () => {
    const device = await register(s);
    const reply = await s.rpc('/device/createSessionToken', { uuid: device.uuid, expiresOn: '2020-01-01T00:00:00Z' });
    expect(reply.error?.data.name).toBe('EXPIRES_AT_IN_PAST');
    expect(await s.db.query('SELECT 1 FROM device_tokens WHERE uuid = $1', [device.uuid])).toEqual([]);
  });

  it('when the device has expired tokens then creating a new one deletes them', async () => {
    const device = await register(s);
    await expire((await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'old' })).token, device.uuid);
    await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'new' });
    expect(await s.db.query('SELECT tag FROM device_tokens WHERE uuid = $1', [device.uuid])).toEqual([{ tag: 'new' }]);
  });
});

describe('/device/searchTokens', () => {
  it('lists live tokens with metadata only, filtered by tag, never the token', async () => {
    const device = await register(s);
    const a = await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'a' });
    const b = await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'b' });
    await expire((await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'a' })).token, device.uuid);
    const all = await rpcAs(s, device, '/device/searchTokens', { uuid: device.uuid });
    expect(all.result).toEqual({ total: 2, rows: [
      { id: expect.any(String), uuid: device.uuid, tag: 'a', createdAt: a.createdAt, expiresOn: null },
      { id: expect.any(String), uuid: device.uuid, tag: 'b', createdAt: b.createdAt, expiresOn: null },
    ] });
    expect(JSON.stringify(all)).not.toContain(a.token.slice(4));
    expect(JSON.stringify(all)).not.toContain(b.token.slice(4));
    expect((await s.call('/device/searchTokens', { uuid: device.uuid, tag: 'b' })).rows.map((r: any) => r.tag)).toEqual(['b']);
  });
});

describe('/device/revokeToken', () => {
  it('when the token is a live session token then {revoked: 1}, it stops authenticating, and again {revoked: 0}', async () => {
    const device = await register(s);
    const { token } = await s.call('/device/generateAndStoreToken', { uuid: device.uuid });
    expect(await rpcAs(s, device, '/device/revokeToken', { uuid: device.uuid, token })).toMatchObject({ result: { revoked: 1 } });
    expect(await verify({ uuid: device.uuid, token })).toBe(false);
    expect((await rpcAs(s, { uuid: device.uuid, token }, '/device/get', { uuid: device.uuid })).error.data.name).toBe('UNAUTHENTICATED');
    expect(await s.call('/device/revokeToken', { uuid: device.uuid, token })).toEqual({ revoked: 0 });
  });

  it('when given the root token then nothing is revoked and the root token keeps working', async () => {
    const device = await register(s);
    expect(await s.call('/device/revokeToken', { uuid: device.uuid, token: device.token })).toEqual({ revoked: 0 });
    expect(await verify(device)).toBe(true);
  });

  it("when the token belongs to another device then that device's token is untouched", async () => {
    const mine = await register(s);
    const theirs = await register(s);
    const { token } = await s.call('/device/generateAndStoreToken', { uuid: theirs.uuid });
    expect(await s.call('/device/revokeToken', { uuid: mine.uuid, token })).toEqual({ revoked: 0 });
    expect(await verify({ uuid: theirs.uuid, token })).toBe(true);
  });
});

describe('/device/revokeTokensByQuery', () => {
  it('revokes every token with the tag and no other', async () => {
    const device = await register(s);
    const tagged = [
      await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'app' }),
      await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'app' }),
    ];
    const kept = await s.call('/device/createSessionToken', { uuid: device.uuid, tag: 'cli' });
    expect(await rpcAs(s, device, '/device/revokeTokensByQuery', { uuid: device.uuid, tag: 'app' }, 'meshblu')).toMatchObject({ result: { revoked: 2 } });
    for (const { token } of tagged) expect(await verify({ uuid: device.uuid, token })).toBe(false);
    expect(await verify({ uuid: device.uuid, token: kept.token })).toBe(true);
    expect(await verify(device)).toBe(true);
  });
});

describe('/device/verifyToken', () => {
  it('answers {valid} for root, session, wrong and expired tokens', async () => {
    const device = await register(s);
    const { token } = await s.call('/device/createSessionToken', { uuid: device.uuid });
    expect(await verify(device)).toBe(true);
    expect(await verify({ uuid: device.uuid, token })).toBe(true);
    expect(await verify({ uuid: device.uuid, token: 'tgd_nope' })).toBe(false);
    await expire(token, device.uuid);
    expect(await verify({ uuid: device.uuid, token })).toBe(false);
  });
});

describe('device token methods, not allowed', () => {
  it.each([
    ['/device/createSessionToken', (uuid: string) => ({ uuid, tag: 't' })],
    ['/device/revokeToken', (uuid: string) => ({ uuid, token: 'tgd_x' })],
    ['/device/revokeTokensByQuery', (uuid: string) => ({ uuid, tag: 't' })],
    ['/device/searchTokens', (uuid: string) => ({ uuid })],
    ['/device/verifyToken', (uuid: string) => ({ uuid, token: 'tgd_x' })],
  ])('when a device outside the whitelists calls %s then the same DEVICE_NOT_FOUND as for a missing device', async (method, params) => {
    const stranger = await register(s);
    const device = await register(s);
    const forbidden = await rpcAs(s, stranger, method, params(device.uuid));
    expect(forbidden).toEqual(await rpcAs(s, stranger, method, params(MISSING_UUID)));
    expect(forbidden.error.data).toEqual({ name: 'DEVICE_NOT_FOUND' });
  });

  it('when a device in discover.view only verifies a token then it may, but it may not list or make tokens', async () => {
    const viewer = await register(s);
    const device = await register(s, { whitelists: { discover: { view: [{ uuid: viewer.uuid }] } } });
    expect((await rpcAs(s, viewer, '/device/verifyToken', { uuid: device.uuid, token: device.token })).result).toEqual({ valid: true });
    expect((await rpcAs(s, viewer, '/device/searchTokens', { uuid: device.uuid })).error.data.name).toBe('DEVICE_NOT_FOUND');
    expect((await rpcAs(s, viewer, '/device/createSessionToken', { uuid: device.uuid })).error.data.name).toBe('DEVICE_NOT_FOUND');
  });
});
