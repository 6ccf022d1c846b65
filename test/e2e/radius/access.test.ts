import { startTestServer, TestServer } from '../../support/server';
import { itWith, RADCLIENT, radclient, radclientSequence, radiusClientFor, radiusUser } from '../../support/radius-tools';

/**
 * SPEC §10 over UDP, with Debian's radclient as the NAS. Every request carries a
 * Message-Authenticator (radclient computes it) unless a test says otherwise.
 */
let s: TestServer;
let port: number;
beforeAll(async () => {
  s = await startTestServer({ radius: {} });
  port = s.radius!.udpPort!;
});
afterAll(() => s.close());

const itRadius = itWith(RADCLIENT);
const MA: [string, unknown] = ['Message-Authenticator', expect.stringMatching(/^0x[0-9a-f]{32}$/)];
const ACCEPT = { code: 'Access-Accept', attributes: [MA] };
const REJECT = { code: 'Access-Reject', attributes: [MA] };
const DROPPED = { code: null, attributes: [] };

type User = Awaited<ReturnType<typeof radiusUser>>;
const nameOf = (u: User) => `User-Name = "${u.loginName}@${u.domain}"`;
const password = (p: string) => `User-Password = "${p}"`;
const tokenOf = async (u: User) => s.call('/token/get', { token: { serial: u.serial }, return: ['failCount', 'locked', 'counter'] });

async function metric(name: string, label: string): Promise<number> {
  const text = await (await fetch(`${s.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${label}}`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('RADIUS Access-Request (PAP)', () => {
  itRadius('when PIN+OTP are right then Access-Accept with the Message-Authenticator as its first attribute', async () => {
    const user = await radiusUser(s, { pin: '1234' });
    const nas = await radiusClientFor(s);
    expect(await radclient(port, nas, [nameOf(user), password(`1234${user.nextOtp()}`)])).toEqual(ACCEPT);
    expect(await tokenOf(user)).toEqual({ failCount: 0, locked: false, counter: 1 });
  });

  itRadius('when the token has no PIN then the OTP alone is accepted, and an 8-digit token takes its last 8 characters', async () => {
    const nas = await radiusClientFor(s);
    const noPin = await radiusUser(s);
    expect(await radclient(port, nas, [nameOf(noPin), password(noPin.nextOtp())])).toEqual(ACCEPT);
    const eight = await radiusUser(s, { pin: 'p1n-99', digits: 8 });
    expect(await radclient(port, nas, [nameOf(eight), password(`p1n-99${eight.nextOtp()}`)])).toEqual(ACCEPT);
  });

  itRadius('when the OTP, the PIN or the user is wrong, or the OTP is replayed, then the same Access-Reject, and failures count as /auth/verify counts them', async () => {
    const user = await radiusUser(s, { pin: '1234' });
    const nas = await radiusClientFor(s);
    const otp = user.nextOtp();
    expect(await radclient(port, nas, [nameOf(user), password('1234000000')])).toEqual(REJECT);
    expect(await radclient(port, nas, [nameOf(user), password(`9999${otp}`)])).toEqual(REJECT);
    expect(await radclient(port, nas, [`User-Name = "nobody@${user.domain}"`, password(`1234${otp}`)])).toEqual(REJECT);
    expect(await tokenOf(user)).toEqual({ failCount: 2, locked: false, counter: 0 });
    expect(await radclient(port, nas, [nameOf(user), password(`1234${otp}`)])).toEqual(ACCEPT);
    expect(await radclient(port, nas, [nameOf(user), password(`1234${otp}`)])).toEqual(REJECT); // replay: a new request, the same OTP
    expect(await tokenOf(user)).toEqual({ failCount: 1, locked: false, counter: 1 });
  });

  itRadius('when a token reaches maxFail then it locks and even the right PIN+OTP is rejected', async () => {
    const user = await radiusUser(s, { pin: '1234' });
    const nas = await radiusClientFor(s);
    const wrong = Array.from({ length: 10 }, (_, i) => [nameOf(user), password(`1234${String(i).padStart(6, '0')}`)]);
    expect(await radclientSequence(port, nas, wrong)).toEqual(Array(10).fill(REJECT));
    expect(await tokenOf(user)).toEqual({ failCount: 10, locked: true, counter: 0 });
    expect(await radclient(port, nas, [nameOf(user), password(`1234${user.nextOtp()}`)])).toEqual(REJECT);
    const { rows } = await s.call('/audit/search', { match: [['method', '=', 'radius/access'], ['target', '=', `${user.domain}/${user.loginName}`]], limit: 1 });
    expect(rows[0]).toMatchObject({ outcome: 'error', errorName: 'AUTH_LOCKED' });
  });
});

describe('RADIUS challenge-response', () => {
  const stateOf = (reply: { attributes: [string, string][] }) => reply.attributes.find(([name]) => name === 'State')![1];

  itRadius('when the password is exactly the PIN then Access-Challenge with State; the OTP alone with that State is accepted, once', async () => {
    const user = await radiusUser(s, { pin: '4711' });
    const nas = await radiusClientFor(s);
    const challenge = await radclient(port, nas, [nameOf(user), password('4711')]);
    expect(challenge).toEqual({
      code: 'Access-Challenge',
      attributes: [MA, ['State', expect.stringMatching(/^0x[0-9a-f]{32}$/)], ['Reply-Message', 'Enter the one-time password']],
    });
    expect(await tokenOf(user)).toEqual({ failCount: 0, locked: false, counter: 0 }); // the PIN alone spends and counts nothing
    const state = stateOf(challenge);
    expect(await radclient(port, nas, [nameOf(user), password(user.nextOtp()), `State = ${state}`])).toEqual(ACCEPT);
    expect(await radclient(port, nas, [nameOf(user), password(user.nextOtp()), `State = ${state}`])).toEqual(REJECT); // single use
  });

  itRadius('when a State is presented for another user or by another client, or is unknown, then Access-Reject', async () => {
    const alice = await radiusUser(s, { pin: '4711' });
    const bob = await radiusUser(s, { pin: '4711', domain: alice.domain });
    const nas = await radiusClientFor(s);
    const other = await radiusClientFor(s);
    const state = stateOf(await radclient(port, nas, [nameOf(alice), password('4711')]));
    expect(await radclient(port, nas, [nameOf(bob), password(bob.nextOtp()), `State = ${state}`])).toEqual(REJECT);
    expect(await radclient(port, nas, [nameOf(alice), password(alice.nextOtp()), 'State = 0x0123456789abcdef0123456789abcdef'])).toEqual(REJECT);
    const aliceState = stateOf(await radclient(port, nas, [nameOf(alice), password('4711')]));
    expect(await radclient(port, other, [nameOf(alice), password(alice.nextOtp()), `State = ${aliceState}`])).toEqual(REJECT);
  });
});

describe('RADIUS challenge-response follows the domain\'s pinSource', () => {
  itRadius('when the domain asks no PIN (pinSource "none") then a token\'s old PIN is no challenge but a Reject, and the OTP alone is accepted', async () => {
    const user = await radiusUser(s, { pin: '4711' });
    const [{ id }] = (await s.call('/domain/search', { match: [['name', '=', user.domain]] })).rows;
    await s.call('/domain/set', { id, attrs: { pinSource: 'none' } });
    const nas = await radiusClientFor(s);
    expect(await radclient(port, nas, [nameOf(user), password('4711')])).toEqual(REJECT);
    expect(await radclient(port, nas, [nameOf(user), password(user.nextOtp())])).toEqual(ACCEPT);
  });
});

describe('RADIUS client domains', () => {
  itRadius('when the client has a domain then a bare login or login@that-domain is found there, and another domain is never reached', async () => {
    const user = await radiusUser(s);
    const elsewhere = await radiusUser(s);
    const nas = await radiusClientFor(s, { domain: user.domain });
    expect(await radclient(port, nas, [`User-Name = "${user.loginName}"`, password(user.nextOtp())])).toEqual(ACCEPT);
    expect(await radclient(port, nas, [`User-Name = "${user.loginName}@${user.domain.toUpperCase()}"`, password(user.nextOtp())])).toEqual(ACCEPT);
    expect(await radclient(port, nas, [nameOf(elsewhere), password(elsewhere.nextOtp())])).toEqual(REJECT);
  });

  itRadius('when the client has no domain then a bare login is rejected and login@domain may name any domain', async () => {
    const user = await radiusUser(s);
    const nas = await radiusClientFor(s);
    expect(await radclient(port, nas, [`User-Name = "${user.loginName}"`, password(user.nextOtp())])).toEqual(REJECT);
    expect(await radclient(port, nas, [nameOf(user), password(user.nextOtp())])).toEqual(ACCEPT);
  });
});

describe('RADIUS silent drops', () => {
  itRadius('when Message-Authenticator is missing then the request is dropped, unless the client has requireMessageAuthenticator false', async () => {
    const user = await radiusUser(s);
    const strict = await radiusClientFor(s);
    const before = await metric('tokengate_radius_dropped_total', 'reason="missing_message_authenticator"');
    expect(await radclient(port, strict, [nameOf(user), password(user.nextOtp())], { messageAuthenticator: false, timeout: 1 })).toEqual(DROPPED);
    expect(await metric('tokengate_radius_dropped_total', 'reason="missing_message_authenticator"')).toBe(before + 1);
    const lax = await radiusClientFor(s, { requireMessageAuthenticator: false });
    expect(await radclient(port, lax, [nameOf(user), password(user.nextOtp())], { messageAuthenticator: false })).toEqual(ACCEPT);
  });

  itRadius('when a known client sends an Accounting-Request (with a Message-Authenticator) then it is dropped as unsupported_code', async () => {
    const nas = await radiusClientFor(s);
    const before = await metric('tokengate_radius_dropped_total', 'reason="unsupported_code"');
    expect(await radclient(port, nas, ['Acct-Status-Type = Start', 'User-Name = "someone"'], { code: 'acct', timeout: 1 })).toEqual(DROPPED);
    expect(await metric('tokengate_radius_dropped_total', 'reason="unsupported_code"')).toBe(before + 1);
  });

  itRadius('when the secret is wrong then the request is dropped and counted, and the token counts no failure', async () => {
    const user = await radiusUser(s, { pin: '1234' });
    const nas = await radiusClientFor(s);
    const before = await metric('tokengate_radius_dropped_total', 'reason="bad_authenticator"');
    expect(await radclient(port, { ...nas, secret: 'not-the-secret-at-all' }, [nameOf(user), password(`1234${user.nextOtp()}`)], { timeout: 1 })).toEqual(DROPPED);
    expect(await metric('tokengate_radius_dropped_total', 'reason="bad_authenticator"')).toBe(before + 1);
    expect(await tokenOf(user)).toEqual({ failCount: 0, locked: false, counter: 0 });
  });

  itRadius('when the source address is no client\'s then the request is dropped, counted, and audited once a minute per address', async () => {
    const user = await radiusUser(s);
    const nas = { address: '127.0.0.203', secret: 'no-client-has-this-address' };
    const before = await metric('tokengate_radius_dropped_total', 'reason="unknown_client"');
    expect(await radclient(port, nas, [nameOf(user), password(user.nextOtp())], { timeout: 1 })).toEqual(DROPPED);
    expect(await radclient(port, nas, [nameOf(user), password(user.nextOtp())], { timeout: 1 })).toEqual(DROPPED);
    expect(await metric('tokengate_radius_dropped_total', 'reason="unknown_client"')).toBe(before + 2);
    const { rows } = await s.call('/audit/search', { match: [['method', '=', 'radius/drop'], ['errorName', '=', 'unknown_client']] });
    expect(rows).toEqual([{
      time: expect.any(String), caller: null, method: 'radius/drop', target: null, outcome: 'error', errorName: 'unknown_client',
      durationMs: expect.any(Number), details: { source: expect.stringMatching(/^127\.0\.0\.203:\d+$/), transport: 'udp' },
    }]);
  });

  itRadius('when a client is restricted to RadSec then its UDP packets are dropped', async () => {
    const user = await radiusUser(s);
    const nas = await radiusClientFor(s, { transport: 'radsec' });
    const before = await metric('tokengate_radius_dropped_total', 'reason="wrong_transport"');
    expect(await radclient(port, nas, [nameOf(user), password(user.nextOtp())], { timeout: 1 })).toEqual(DROPPED);
    expect(await metric('tokengate_radius_dropped_total', 'reason="wrong_transport"')).toBe(before + 1);
  });
});

describe('RADIUS Status-Server (RFC 5997)', () => {
  itRadius('when a known client sends Status-Server with a Message-Authenticator then Access-Accept', async () => {
    const nas = await radiusClientFor(s);
    expect(await radclient(port, nas, ['NAS-Identifier = "probe"'], { code: 'status' })).toEqual(ACCEPT);
  });
});

describe('RADIUS audit and metrics', () => {
  itRadius('when a NAS asks then /audit/search shows radius/access by radius:<client name>, the user, and the NAS details, never the password', async () => {
    const user = await radiusUser(s, { pin: 'Secr3tPin' });
    const nas = await radiusClientFor(s);
    const { name } = nas;
    const accepts = await metric('tokengate_radius_requests_total', 'code="Access-Accept"');
    const calls = await metric('tokengate_calls_total', 'method="radius/access",outcome="ok",error=""');
    const otp = user.nextOtp();
    expect(await radclient(port, nas, [nameOf(user), password(`Secr3tPin${otp}`),
      'NAS-IP-Address = 192.0.2.7', 'NAS-Identifier = "vpn-1"', 'Calling-Station-Id = "198.51.100.23"'])).toEqual(ACCEPT);
    const { rows } = await s.call('/audit/search', { match: [['caller', '=', `radius:${name}`]] });
    expect(rows).toEqual([{
      time: expect.any(String), caller: `radius:${name}`, method: 'radius/access', target: `${user.domain}/${user.loginName}`,
      outcome: 'ok', errorName: null, durationMs: expect.any(Number),
      details: { 'NAS-IP-Address': '192.0.2.7', 'NAS-Identifier': 'vpn-1', 'Calling-Station-Id': '198.51.100.23', reply: 'Access-Accept' },
    }]);
    const [{ n }] = await s.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE details::text LIKE '%' || $1 || '%' OR details::text LIKE '%Secr3tPin%'`, [otp]);
    expect(n).toBe(0);
    expect(await metric('tokengate_radius_requests_total', 'code="Access-Accept"')).toBe(accepts + 1);
    // recorded by the gateway pipeline, as every method call is: counted with them too
    expect(await metric('tokengate_calls_total', 'method="radius/access",outcome="ok",error=""')).toBe(calls + 1);
  });
});
