import { keyedHash } from '../../../src/domain/crypto/secrets';
import { defaultConfig } from '../../../src/config';
import { startTestServer, TestServer } from '../../support/server';
import { DeviceCreds, failureOf, meshblu } from './meshblu-client';

/**
 * Meshblu's HTTP device API as its official client, meshblu-http, uses it (SPEC §7):
 * bare objects on success, {error} with the status on failure.
 */
let s: TestServer;
let admin: ReturnType<typeof meshblu>;
beforeAll(async () => {
  s = await startTestServer({ rateLimits: { ...defaultConfig().rateLimits, authFailuresPerDevice: { limit: 3, windowSeconds: 60 } } });
  admin = meshblu(s, { bearerToken: s.adminKey });
});
afterAll(() => s.close());

const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
const TOKEN = /^tgd_[A-Za-z0-9_-]{43}$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const registered = (props: Record<string, unknown> = {}): Promise<DeviceCreds> => admin.register(props);
const auditOf = async (method: string, target: string) =>
  s.db.query('SELECT outcome, error_name AS "errorName", target FROM audit_log WHERE method = $1 AND target = $2 ORDER BY id', [method, target]);

describe('Meshblu HTTP with meshblu-http', () => {
  it('when an API key registers a device then 201 answers the Meshblu device with its token, stored only as a hash', async () => {
    const device = await admin.register({ name: 'thermostat', type: 'device:thermostat' });
    expect(device).toEqual({
      uuid: expect.stringMatching(/^[0-9a-f-]{36}$/), token: expect.stringMatching(TOKEN), online: false,
      name: 'thermostat', type: 'device:thermostat',
      meshblu: {
        version: '2.0.0', createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO),
        whitelists: { configure: { update: [], as: [] }, discover: { view: [] } },
      },
    });
    const [row] = await s.db.query('SELECT root_token_hash AS hash FROM devices WHERE uuid = $1', [device.uuid]);
    expect(row.hash).toEqual(keyedHash(s.keys.pepper, `${device.uuid}:${device.token}`));
  });

  it('when an API key registers a device then the audit log records /device/register by that key against the new uuid', async () => {
    const device = await registered({ name: 'audited' });
    const { id: keyId } = await s.call('/apikey/whoami', {});
    const rows = await s.db.query(
      'SELECT caller, method, target, outcome, error_name AS "errorName" FROM audit_log WHERE method = $1 AND target = $2', ['/device/register', device.uuid]);
    expect(rows).toEqual([{ caller: `apikey:${keyId}`, method: '/device/register', target: device.uuid, outcome: 'ok', errorName: null }]);
  });

  it('when nobody is signed in then register is refused with 401 and no device is made', async () => {
    const [{ n: before }] = await s.db.query('SELECT count(*)::int AS n FROM devices');
    const refused = await failureOf(meshblu(s, null).register({ name: 'anonymous' }));
    expect(refused).toMatchObject({ code: 401, body: { error: 'Missing, unknown or revoked credentials', name: 'UNAUTHENTICATED' } });
    expect((await s.db.query('SELECT count(*)::int AS n FROM devices'))[0].n).toBe(before);
  });

  it('when a device registers one with meshblu.whitelists then it owns it and the lists are honoured', async () => {
    const parent = await registered();
    const other = await registered();
    const child = await meshblu(s, parent).register({
      name: 'child', meshblu: { version: '2.0.0', whitelists: { discover: { view: [{ uuid: other.uuid }] } } },
    });
    expect(child.owner).toBe(parent.uuid);
    expect(child.meshblu.whitelists).toEqual({ configure: { update: [{ uuid: parent.uuid }], as: [] }, discover: { view: [{ uuid: other.uuid }] } });
    expect((await meshblu(s, other).device(child.uuid)).uuid).toBe(child.uuid);
  });

  it('when a device asks whoami then it gets itself, and /authenticate answers its uuid', async () => {
    const device = await registered({ name: 'me' });
    const client = meshblu(s, device);
    const me = await client.whoami();
    expect(me).toEqual({ uuid: device.uuid, online: false, name: 'me', meshblu: expect.objectContaining({ version: '2.0.0' }) });
    expect(me).not.toHaveProperty('token');
    expect(await client.authenticate()).toEqual({ uuid: device.uuid });
  });

  it("when meshblu-http presents the device as bearerToken base64(uuid:token) then it is that device", async () => {
    const device = await registered();
    const bearer = meshblu(s, { bearerToken: Buffer.from(`${device.uuid}:${device.token}`).toString('base64') });
    expect((await bearer.whoami()).uuid).toBe(device.uuid);
    const session = await bearer.generateAndStoreTokenWithOptions(device.uuid, { tag: 'via-bearer' });
    expect(await bearer.searchTokens({ 'metadata.tag': 'via-bearer' })).toEqual([{ uuid: device.uuid, metadata: { tag: 'via-bearer', createdAt: session.createdAt } }]);
  });

  it('when the credentials are wrong then whoami and authenticate fail with 401', async () => {
    const device = await registered();
    const wrong = meshblu(s, { uuid: device.uuid, token: 'tgd_wrong' });
    for (const failure of [await failureOf(wrong.whoami()), await failureOf(wrong.authenticate())]) {
      expect(failure).toMatchObject({ code: 401, message: 'Missing, unknown or revoked credentials', body: { error: 'Missing, unknown or revoked credentials', name: 'UNAUTHENTICATED' } });
      expect(JSON.parse(failure.headers['x-meshblu-error'])).toEqual({ message: 'Missing, unknown or revoked credentials' });
    }
  });

  it('when a device reads a missing device and one it may not see then both fail alike with 404', async () => {
    const caller = meshblu(s, await registered());
    const hidden = await registered({ name: 'hidden' });
    const missing = await failureOf(caller.device(MISSING_UUID));
    const forbidden = await failureOf(caller.device(hidden.uuid));
    expect(missing).toMatchObject({ code: 404, message: 'Device not found', body: { error: 'Device not found', name: 'DEVICE_NOT_FOUND' } });
    expect(forbidden.body).toEqual(missing.body);
    expect(forbidden.headers['x-meshblu-error']).toBe(missing.headers['x-meshblu-error']);
    // The first read is registration's own (the new device reading itself back); the second is the refusal.
    expect((await auditOf('/device/get', hidden.uuid)).at(-1)).toEqual({ outcome: 'error', errorName: 'DEVICE_NOT_FOUND', target: hidden.uuid });
  });

  it('when a device updates itself then 204 and the change shows; an unknown property changes nothing', async () => {
    const device = await registered({ name: 'before' });
    const client = meshblu(s, device);
    expect(await client.update(device.uuid, { uuid: device.uuid, name: 'after' })).toBeUndefined();
    expect((await client.device(device.uuid)).name).toBe('after');
    const refused = await failureOf(client.update(device.uuid, { name: 'again', color: 'blue' }));
    expect(refused).toMatchObject({ code: 400, body: { name: 'QUERY_FIELD_NOT_ALLOWED' } });
    expect((await client.device(device.uuid)).name).toBe('after');
  });

  it('when generateAndStoreToken is called then the new token authenticates until revokeToken ends it', async () => {
    const device = await registered();
    const issued = await meshblu(s, device).generateAndStoreToken(device.uuid);
    expect(issued).toEqual({ uuid: device.uuid, token: expect.stringMatching(TOKEN), createdAt: expect.stringMatching(ISO) });
    const withNew = meshblu(s, { uuid: device.uuid, token: issued.token });
    expect((await withNew.whoami()).uuid).toBe(device.uuid);

    // 204 has no body; meshblu-http hands its callback {} for that.
    expect(await meshblu(s, device).revokeToken(device.uuid, issued.token)).toEqual({});
    expect(await failureOf(withNew.whoami())).toMatchObject({ code: 401 });
    expect((await meshblu(s, device).whoami()).uuid).toBe(device.uuid); // the root token still works
    const audited = await auditOf('/device/revokeToken', device.uuid);
    expect(audited).toEqual([{ outcome: 'ok', errorName: null, target: device.uuid }]);
  });

  it('when tokens are tagged then searchTokens lists their metadata and revokeTokenByQuery ends them', async () => {
    const device = await registered();
    const client = meshblu(s, device);
    const tagged = await client.generateAndStoreTokenWithOptions(device.uuid, { tag: 'session-1' });
    await client.generateAndStoreToken(device.uuid);
    expect(await client.searchTokens({ 'metadata.tag': 'session-1' })).toEqual([
      { uuid: device.uuid, metadata: { tag: 'session-1', createdAt: tagged.createdAt } },
    ]);
    expect(await client.revokeTokenByQuery(device.uuid, { tag: 'session-1' })).toEqual({});
    expect(await failureOf(meshblu(s, { uuid: device.uuid, token: tagged.token }).whoami())).toMatchObject({ code: 401 });
    expect(await client.searchTokens({ 'metadata.tag': 'session-1' })).toEqual([]);
  });

  it('when a device may not update the target then token calls fail with the same 404 as for a missing one', async () => {
    const caller = meshblu(s, await registered());
    const target = await registered();
    for (const uuid of [target.uuid, MISSING_UUID]) {
      expect(await failureOf(caller.generateAndStoreToken(uuid))).toMatchObject({ code: 404, body: { error: 'Device not found' } });
      expect(await failureOf(caller.resetToken(uuid))).toMatchObject({ code: 404, body: { error: 'Device not found' } });
    }
    expect((await s.db.query('SELECT count(*)::int AS n FROM device_tokens WHERE uuid = $1', [target.uuid]))[0].n).toBe(0);
  });

  it('when resetToken is called then a new root token works and every older token is revoked', async () => {
    const device = await registered();
    const session = await meshblu(s, device).generateAndStoreToken(device.uuid);
    const reset = await meshblu(s, device).resetToken(device.uuid);
    expect(reset).toEqual({ uuid: device.uuid, token: expect.stringMatching(TOKEN) });
    expect(await failureOf(meshblu(s, device).whoami())).toMatchObject({ code: 401 });
    expect(await failureOf(meshblu(s, { uuid: device.uuid, token: session.token }).whoami())).toMatchObject({ code: 401 });
    expect((await meshblu(s, reset).whoami()).uuid).toBe(device.uuid);
  });

  it('when a device is unregistered then 200 {uuid} and its token no longer authenticates', async () => {
    const device = await registered();
    expect(await meshblu(s, device).unregister(device.uuid)).toEqual({ uuid: device.uuid });
    expect(await failureOf(meshblu(s, device).authenticate())).toMatchObject({ code: 401 });
    expect(await failureOf(admin.device(device.uuid))).toMatchObject({ code: 404 });
  });

  it('when an API key asks whoami then 403: a key is no device', async () => {
    expect(await failureOf(admin.whoami())).toMatchObject({ code: 403, body: { name: 'FORBIDDEN' } });
  });

  it("when a device's token is guessed wrong past the gateway's limit then 429 with Retry-After, the right token too", async () => {
    const device = await registered();
    const wrong = meshblu(s, { uuid: device.uuid, token: 'tgd_guess' });
    for (let i = 0; i < 3; i++) expect(await failureOf(wrong.whoami())).toMatchObject({ code: 401 });
    const limited = await failureOf(wrong.whoami());
    expect(limited).toMatchObject({ code: 429, body: { error: 'Too many attempts; retry later', name: 'RATE_LIMITED' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await failureOf(meshblu(s, device).whoami())).toMatchObject({ code: 429 });
  });
});
