import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as radius from 'radius';
import { freePort } from '../faults/fault-support';
import { startTestServer, TestServer } from '../../support/server';
import { itWith, radclient, radiusUser } from '../../support/radius-tools';

/**
 * RadSec (RFC 6614): radclient → radsecproxy (UDP) → tokengate (TLS), with certificates made
 * here by openssl, and radsecproxy running docs/radius/radsecproxy.conf itself.
 */
const itRadsec = itWith({ radclient: 'freeradius-utils', radsecproxy: 'radsecproxy', openssl: 'openssl', oathtool: 'oathtool' });
const DOC_CONFIG = join(__dirname, '../../../docs/radius/radsecproxy.conf');
const PROXY_SECRET = 'lan-shared-secret-0123456789';

let dir: string;
let s: TestServer | undefined;
let proxy: ChildProcess | undefined;
let proxyPort: number;

/** A CA, and certificates it signs: tokengate's (CN localhost), radsecproxy's, and one from another CA. */
function makeCertificates(): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  for (const ca of ['ca', 'rogue-ca']) {
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=${ca}`);
  }
  for (const [name, ca] of [['server', 'ca'], ['proxy', 'ca'], ['rogue', 'rogue-ca']]) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name === 'server' ? 'localhost' : name}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2');
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tokengate-radsec-'));
  try { makeCertificates(); } catch { return; } // no openssl: the tests skip (or fail in CI) below
  s = await startTestServer({ radius: { udp: false, radsecPort: 0, radsec: { cert: join(dir, 'server.pem'), key: join(dir, 'server.key'), ca: join(dir, 'ca.pem') } } });
  proxyPort = await freePort();
  const config = readFileSync(DOC_CONFIG, 'utf8')
    .replace('ListenUDP 127.0.0.1:1812', `ListenUDP 127.0.0.1:${proxyPort}`)
    .replace('port 2083', `port ${s.radius!.radsecPort}`)
    .replace(/\/etc\/radsecproxy\//g, `${dir}/`);
  writeFileSync(join(dir, 'radsecproxy.conf'), config);
  // radsecproxy connects from 127.0.0.1; over RadSec the client's own secret is not used
  await s.call('/radiusClient/create', { attrs: { name: 'radsecproxy', address: '127.0.0.1', secret: 'unused-over-radsec-0123', transport: 'radsec' } });
}, 60_000);
afterAll(async () => {
  proxy?.kill();
  await s?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function startProxy(): Promise<void> {
  proxy = spawn('radsecproxy', ['-f', '-c', join(dir, 'radsecproxy.conf'), '-i', join(dir, 'radsecproxy.pid')], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 300)); // radsecproxy prints nothing on stdout when ready; a Status-less UDP listener is up at once
}

describe('RadSec', () => {
  itRadsec('when radclient asks radsecproxy then tokengate answers over TLS: Access-Accept for PIN+OTP, Access-Reject for a replay', async () => {
    await startProxy();
    const user = await radiusUser(s!, { pin: '1234' });
    const nas = { address: '127.0.0.1', secret: PROXY_SECRET };
    const otp = user.nextOtp();
    const attrs = [`User-Name = "${user.loginName}@${user.domain}"`, `User-Password = "1234${otp}"`];
    expect(await radclient(proxyPort, nas, attrs, { timeout: 5 })).toEqual({ code: 'Access-Accept', attributes: [['Message-Authenticator', expect.stringMatching(/^0x[0-9a-f]{32}$/)]] });
    expect(await radclient(proxyPort, nas, attrs, { timeout: 5 })).toEqual({ code: 'Access-Reject', attributes: [['Message-Authenticator', expect.stringMatching(/^0x[0-9a-f]{32}$/)]] });
    const { rows } = await s!.call('/audit/search', { match: [['caller', '=', 'radius:radsecproxy']] });
    expect(rows.map((r: { errorName: string | null }) => r.errorName)).toEqual(['AUTH_FAILED', null]);
  });

  itRadsec('when a client certificate is not signed by the CA, or none is shown, then the connection is refused before any RADIUS', async () => {
    // RFC 6614 §2.3: over TLS the secret is "radsec"
    const statusServer = radius.encode({ code: 'Status-Server', secret: 'radsec', add_message_authenticator: true, attributes: [['NAS-Identifier', 'tls-probe']] });
    const attempt = (opts: { cert?: Buffer; key?: Buffer }) => new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: s!.radius!.radsecPort!, ca: readFileSync(join(dir, 'ca.pem')), servername: 'localhost', ...opts });
      socket.on('secureConnect', () => socket.once('data', (reply: Buffer) => resolve(`reply ${reply[0]}`)).once('close', () => resolve('closed')).write(statusServer));
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    const rogue = await attempt({ cert: readFileSync(join(dir, 'rogue.pem')), key: readFileSync(join(dir, 'rogue.key')) });
    const none = await attempt({});
    // TLS 1.3: the client's side of the handshake completes before the server's verdict; then the server closes
    expect(rogue).toMatch(/^(closed|ECONNRESET|ERR_SSL_TLSV1_ALERT_UNKNOWN_CA)$/);
    expect(none).toMatch(/^(closed|ECONNRESET|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)$/);
    const good = await attempt({ cert: readFileSync(join(dir, 'proxy.pem')), key: readFileSync(join(dir, 'proxy.key')) });
    expect(good).toBe('reply 2'); // Access-Accept to Status-Server
  });
});
