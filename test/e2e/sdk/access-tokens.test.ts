import { createClient } from '../../../src/client';
import { startTestServer, TestServer } from '../../support/server';
import { sdkFor, sdkUser } from './sdk-support';

/** User tokens (Droplit), devices (Meshblu), share tokens (enmeshed) and the audit log through the SDK, against raw HTTP. */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('SDK: user tokens (tg.users, Droplit signatures)', () => {
  it('when tg.users.createToken(ecosystemId, userId, ttl, expiryType) then the token verifies over raw HTTP and the SDK alike', async () => {
    const tg = sdkFor(s, await s.keyWith(['directory', 'user:token']));
    const user = await sdkUser(tg);
    const { token } = await tg.users.createToken(user.domain.id, user.id, 120, 'SlidingTtl');
    expect(token).toMatch(/^tgu_[A-Za-z0-9_-]{43}$/);

    const raw = await s.call('/user/verifyToken', { token });
    expect(raw).toEqual({ active: true, userId: user.id, ecosystemId: user.domain.id, expiryType: 'SlidingTtl', expiresAt: expect.any(String) });
    expect(await tg.users.verifyToken(token)).toEqual({ ...raw, expiresAt: expect.any(String) });

    const listed = await tg.users.listTokens(user.domain.id, user.id);
    expect(listed).toEqual(await s.call('/user/listTokens', { ecosystemId: user.domain.id, id: user.id }));
    expect(listed.rows).toEqual([expect.objectContaining({ expiryType: 'SlidingTtl', ttl: 120, active: true })]);
    expect(await tg.users.revokeTokens(user.domain.id, user.id)).toEqual({ revoked: 1 });
    expect(await tg.user.verifyToken({ token })).toEqual({ active: false });
  });

  it('when the generic form tg.user.createToken({…}) is used then server defaults apply (FixedTtl, 3600 s)', async () => {
    const tg = sdkFor(s);
    const user = await sdkUser(tg);
    const { token } = await tg.user.createToken({ ecosystemId: user.domain.id, id: user.id });
    const { expiresAt, expiryType } = await s.call('/user/verifyToken', { token });
    expect(expiryType).toBe('FixedTtl');
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(3590_000);
  });

  it('when the ecosystem was never issued then a TokengateError named ECOSYSTEM_INVALID, as raw HTTP answers', async () => {
    const tg = sdkFor(s);
    const user = await sdkUser(tg);
    const never = '00000000-0000-4000-8000-000000000000';
    const err = await tg.users.createToken(never, user.id, 60, 'FixedTtl').catch((e) => e);
    expect(err).toMatchObject({ name: 'ECOSYSTEM_INVALID', code: 1005, status: 400, message: 'The ecosystem id is malformed or was never issued' });
    expect((await s.rpc('/user/createToken', { ecosystemId: never, id: user.id, ttl: 60, expiryType: 'FixedTtl' })).error)
      .toMatchObject({ code: err.code, message: err.message, data: { name: 'ECOSYSTEM_INVALID' } });
  });
});

describe('SDK: devices (tg.devices, Meshblu signatures, device credentials)', () => {
  it('when a device calls generateAndStoreToken(uuid) for itself then the new token authenticates it, as over raw HTTP', async () => {
    const admin = sdkFor(s);
    const device = await admin.devices.register({ name: 'thermostat' });
    expect(device).toEqual({ uuid: expect.any(String), token: expect.any(String) });
    const asDevice = createClient({ url: s.url, device });
    const issued = await asDevice.devices.generateAndStoreToken(device.uuid);
    expect(issued).toEqual({ uuid: device.uuid, token: expect.stringMatching(/^tgd_/), createdAt: expect.any(String) });

    expect(await s.call('/device/verifyToken', { uuid: device.uuid, token: issued.token })).toEqual({ valid: true });
    const withNewToken = createClient({ url: s.url, device: { uuid: device.uuid, token: issued.token } });
    expect(await withNewToken.devices.get(device.uuid)).toEqual(await s.call('/device/get', { uuid: device.uuid }));
  });

  it('when a device may not reach the target then DEVICE_NOT_FOUND (404), the same as a missing one', async () => {
    const admin = sdkFor(s);
    const [target, stranger] = [await admin.devices.register(), await admin.devices.register()];
    const asStranger = createClient({ url: s.url, device: stranger });
    await expect(asStranger.devices.generateAndStoreToken(target.uuid)).rejects.toMatchObject({ name: 'DEVICE_NOT_FOUND', status: 404, code: 4007 });
    await expect(asStranger.devices.generateAndStoreToken('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ name: 'DEVICE_NOT_FOUND' });
  });
});

describe('SDK: share tokens (tg.templates, enmeshed)', () => {
  it('when an identity creates a template and a token for it then a peer loads it with the password, as over raw HTTP', async () => {
    const { address: alice } = await sdkFor(s).identity.create({ attrs: { name: 'Alice' } });
    const { address: bob } = await sdkFor(s).identity.create({ attrs: { name: 'Bob' } });
    const asAlice = sdkFor(s, await s.keyWith(['template'], alice));
    const asBob = sdkFor(s, await s.keyWith(['template'], bob));
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const template = await asAlice.templates.create({ content: { title: 'hello' }, expiresAt, passwordProtection: { password: '4711', passwordIsPin: true } });
    const token = await asAlice.templates.createToken({ templateId: template.id, passwordProtection: { password: '4711', passwordIsPin: true } });
    expect(token).toEqual({
      id: expect.stringMatching(/^TOK/), isOwn: true, createdBy: alice, createdAt: expect.any(String), expiresAt,
      content: { templateId: template.id }, passwordProtection: { passwordIsPin: true },
      reference: { truncated: expect.any(String), url: `${s.url}/r/${token.reference.truncated}` }, isEphemeral: true,
    });

    await expect(asBob.templates.loadToken({ reference: token.reference.url, password: '0000' }))
      .rejects.toMatchObject({ name: 'PASSWORD_INVALID', status: 403, data: { attemptsLeft: 4 } });
    const loaded = await asBob.templates.loadToken({ reference: token.reference.truncated, password: '4711' });
    expect(loaded).toMatchObject({ id: template.id, isOwn: false, createdBy: alice, content: { title: 'hello' } });
    expect(await asBob.relationshipTemplate.get({ id: template.id })).toEqual(
      await s.call('/relationshipTemplate/get', { id: template.id }, await s.keyWith(['template'], bob)));
  });
});

describe('SDK: audit (tg.audit)', () => {
  it('when calls were made through the SDK then the audit log lists them, as raw HTTP reads it', async () => {
    const tg = sdkFor(s, await s.keyWith(['directory', 'audit:read']));
    await tg.domain.search({ limit: 1 });
    const query = { match: [['method', '=', '/domain/search'] as ['method', '=', string]], limit: 5 };
    const viaSdk = await tg.audit.search(query);
    expect(viaSdk.rows[0]).toMatchObject({ method: '/domain/search', outcome: 'ok', caller: expect.any(String) });
    expect(await s.call('/audit/search', query)).toEqual(viaSdk);
  });
});
