import { generateHotp } from '../../../src/domain/otp';
import { startTestServer, TestServer } from '../../support/server';
import { RFC4226_SEED_HEX } from '../token/fixtures';
import { sdkFor, sdkUser } from './sdk-support';

/** The directory, OTP token and auth families through the SDK, checked against the same calls over raw HTTP. */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('SDK: directory (tg.domain, tg.user)', () => {
  it('when a domain and a user are created with the SDK then raw HTTP reads them as the SDK does', async () => {
    const tg = sdkFor(s);
    const created = await tg.domain.create({ attrs: { name: 'sdk-directory', description: 'made by the SDK' } });
    expect(created).toEqual({ id: expect.any(String) });
    const viaSdk = await tg.domain.get({ id: created.id });
    expect(viaSdk).toEqual({ id: created.id, name: 'sdk-directory', description: 'made by the SDK', pinSource: 'token', directory: null, createdAt: expect.any(String) });
    expect(viaSdk).toEqual(await s.call('/domain/get', { id: created.id }));

    const user = await tg.user.create({ attrs: { domain: { name: 'sdk-directory' }, loginName: 'ada', email: 'ada@example.org' } });
    const search = { match: [['domain.name', '=', 'sdk-directory']] as [string, '=', string][], return: ['id', 'loginName', 'email'] };
    const rows = await tg.user.search(search);
    expect(rows).toEqual({ total: 1, rows: [{ id: user.id, loginName: 'ada', email: 'ada@example.org' }] });
    expect(rows).toEqual(await s.call('/user/search', search));
  });

  it('when the SDK calls a method whose params are all optional then it may leave them out', async () => {
    const tg = sdkFor(s);
    expect(await tg.product.search()).toEqual(await s.call('/product/search', {}));
  });
});

describe('SDK: OTP tokens and auth (tg.token, tg.auth)', () => {
  it('when a software token is created for a user then raw HTTP finds it assigned, and a download link works once', async () => {
    const tg = sdkFor(s);
    const user = await sdkUser(tg);
    const token = await tg.token.create({ attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } });
    expect(token).toEqual(await s.call('/token/get', { id: token.id }));
    expect(token.assignedUsers).toEqual([expect.objectContaining({ id: user.id, loginName: user.loginName })]);

    const link = await tg.token.getDownloadUrl({ token: { serial: token.serial }, ttl: 60 });
    expect(link).toEqual({ url: expect.stringMatching(`^${s.url}/download/`), expiresAt: expect.any(String) });
    expect((await fetch(link.url, { headers: { accept: 'application/json' } })).status).toBe(200);
    expect((await fetch(link.url, { headers: { accept: 'application/json' } })).status).toBe(410);
  });

  it('when a hardware token is imported, assigned and used then verify answers as over raw HTTP', async () => {
    const tg = sdkFor(s);
    const user = await sdkUser(tg);
    const imported = await tg.token.create({ attrs: { data: `SDK-HOTP-1,${RFC4226_SEED_HEX},HOTP,6,0`, product: { manufacturerCode: 'OATH', productCode: 'HOTP' } } });
    expect(imported).toEqual({ total: 1, rows: [{ id: expect.any(String), serial: 'SDK-HOTP-1' }] });
    await tg.token.assign({ token: { serial: 'SDK-HOTP-1' }, user: { domain: { name: user.domain.name }, loginName: user.loginName } });

    const seed = Buffer.from(RFC4226_SEED_HEX, 'hex');
    const otp = (counter: number) => generateHotp(seed, counter, { algorithm: 'SHA1', digits: 6 });
    expect(await tg.auth.verify({ user: { id: user.id }, credential: { otp: otp(0) } })).toEqual({ verified: true, serial: 'SDK-HOTP-1' });
    expect(await s.call('/auth/verify', { user: { id: user.id }, credential: { otp: otp(1) } })).toEqual({ verified: true, serial: 'SDK-HOTP-1' });

    const replay = tg.auth.verify({ user: { id: user.id }, credential: { otp: otp(1) } });
    await expect(replay).rejects.toMatchObject({ name: 'AUTH_FAILED', code: 2002, status: 401 });
    expect((await s.rpc('/auth/verify', { user: { id: user.id }, credential: { otp: otp(1) } })).error?.data.name).toBe('AUTH_FAILED');
  });

  it('when the counter is reset through the SDK then the token row shows it as over raw HTTP', async () => {
    const tg = sdkFor(s);
    await tg.token.create({ attrs: { data: `SDK-HOTP-2,${RFC4226_SEED_HEX},HOTP,6,0` } });
    const reset = await tg.token.reset({ token: { serial: 'SDK-HOTP-2' }, attrs: { counter: 7 } });
    expect(reset).toMatchObject({ serial: 'SDK-HOTP-2', counter: 7, failCount: 0, locked: false });
    expect(await s.call('/token/get', { token: { serial: 'SDK-HOTP-2' }, return: ['counter'] })).toEqual({ counter: 7 });
  });
});
