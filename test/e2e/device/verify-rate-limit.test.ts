import { defaultConfig } from '../../../src/config';
import { startTestServer, TestServer } from '../../support/server';
import { DeviceCreds, deviceHeaders, post, register } from './device-helpers';

const LIMIT = 3;
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ rateLimits: { ...defaultConfig().rateLimits, authFailuresPerDevice: { limit: LIMIT, windowSeconds: 300 } } });
});
afterAll(() => s.close());

const verify = (creds: DeviceCreds) => s.rest('/device/verifyToken', creds);
const hitsOf = async (uuid: string) =>
  (await s.db.query('SELECT hits FROM rate_limits WHERE bucket = $1', [`auth-fail:device:${uuid}`]))[0]?.hits;

describe('/device/verifyToken: wrong tokens count as failed logins of the device', () => {
  it('when wrong tokens reach the limit then the next call, even with the right token, is 429 RATE_LIMITED with no answer', async () => {
    const device = await register(s);
    for (let i = 0; i < LIMIT; i++) {
      expect(await verify({ uuid: device.uuid, token: `tgd_guess${i}` })).toMatchObject({ status: 200, body: { error: 0, result: { valid: false } } });
    }
    expect(await hitsOf(device.uuid)).toBe(LIMIT);

    const limited = await verify(device);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 8002, name: 'RATE_LIMITED', message: 'Too many attempts; retry later', data: { retryAfter: expect.any(Number) } });
    expect(limited.headers.get('retry-after')).toBe(String(limited.body.data.retryAfter));
    expect(await hitsOf(device.uuid)).toBe(LIMIT);
  });

  it('when right tokens are checked then they do not count', async () => {
    const device = await register(s);
    for (let i = 0; i < LIMIT + 2; i++) expect((await verify(device)).body.result).toEqual({ valid: true });
    expect(await hitsOf(device.uuid)).toBeUndefined();
  });

  it('when the uuid is given in upper case then it is the same bucket', async () => {
    const device = await register(s);
    for (let i = 0; i < LIMIT; i++) await verify({ uuid: device.uuid.toUpperCase(), token: 'tgd_nope' });
    expect((await verify(device)).body.name).toBe('RATE_LIMITED');
  });

  it('when the device\'s logins at the gateway failed then verifyToken is limited too, and the reverse', async () => {
    const device = await register(s);
    for (let i = 0; i < LIMIT; i++) {
      const reply = await post(s, 'rest', '/device/get', { uuid: device.uuid }, deviceHeaders({ uuid: device.uuid, token: 'tgd_wrong' }, 'basic'));
      expect(reply.body.name).toBe('UNAUTHENTICATED');
    }
    expect((await verify(device)).body.name).toBe('RATE_LIMITED');

    const other = await register(s);
    for (let i = 0; i < LIMIT; i++) await verify({ uuid: other.uuid, token: 'tgd_nope' });
    const login = await post(s, 'rest', '/device/get', { uuid: other.uuid }, deviceHeaders({ uuid: other.uuid, token: 'tgd_wrong' }, 'meshblu'));
    expect([login.status, login.body.name]).toEqual([429, 'RATE_LIMITED']);
  });

  it('when the window has passed then the answers come back', async () => {
    const device = await register(s);
    for (let i = 0; i < LIMIT; i++) await verify({ uuid: device.uuid, token: 'tgd_nope' });
    expect((await verify(device)).status).toBe(429);
    await s.db.query(`UPDATE rate_limits SET window_ends_at = now() - interval '1 second' WHERE bucket = $1`, [`auth-fail:device:${device.uuid}`]);
    expect((await verify(device)).body.result).toEqual({ valid: true });
  });
});
