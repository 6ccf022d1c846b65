import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { TestServer } from './server';

export const IN_CI = process.env.CI === 'true';

/** Whether a system program is on the PATH. */
function hasProgram(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/**
 * `it` when every program is installed; without them `it.skip` (saying which, and how to
 * install them), except with CI=true, where the test runs and fails.
 */
export function itWith(programs: Record<string, string>): jest.It {
  const missing = Object.keys(programs).filter((p) => !hasProgram(p));
  if (missing.length === 0 || IN_CI) return it;
  console.warn(`skipping RADIUS tests: ${missing.join(', ')} missing (apt-get install -y ${[...new Set(missing.map((m) => programs[m]))].join(' ')})`);
  return it.skip;
}

export const RADCLIENT = { radclient: 'freeradius-utils', oathtool: 'oathtool' };

export interface RadclientReply {
  /** null: no reply within the timeout (the packet was dropped). */
  code: string | null;
  /** The reply's attributes in the order radclient printed them (its order on the wire). */
  attributes: [string, string][];
}

/**
 * One request through Debian's radclient: `attributes` as radclient reads them
 * (`User-Name = "alice"`, one per line). With `messageAuthenticator` (default true) the
 * request carries a Message-Authenticator, which radclient computes. One send, no retry;
 * `timeout` seconds (default 3: the machine may be busy) before "no reply".
 */
export async function radclient(
  port: number, nas: NasClient, attributes: string[],
  opts: { code?: 'auth' | 'status' | 'acct'; messageAuthenticator?: boolean; timeout?: number; host?: string; secret?: string } = {},
): Promise<RadclientReply> {
  return parseReply(await radclientRaw(['-x', '-r', '1', '-t', String(opts.timeout ?? 3),
    `${opts.host ?? '127.0.0.1'}:${port}`, opts.code ?? 'auth', opts.secret ?? nas.secret], requestText(nas, attributes, opts.messageAuthenticator) + '\n'));
}

/** Several requests in one radclient run, one after another (-p 1); the replies in order. */
export async function radclientSequence(port: number, nas: NasClient, packets: string[][]): Promise<RadclientReply[]> {
  const input = packets.map((attrs) => requestText(nas, attrs)).join('\n\n');
  const out = await radclientRaw(['-x', '-p', '1', '-r', '1', '-t', '3', `127.0.0.1:${port}`, 'auth', nas.secret], input + '\n');
  return out.split(/^(?=Sent )/m).filter((chunk) => chunk.startsWith('Sent ')).map(parseReply);
}

/** One request as radclient reads it: its attributes, sent from the NAS's address, with a Message-Authenticator unless told not to. */
function requestText(nas: NasClient, attributes: string[], messageAuthenticator = true): string {
  return [...attributes, `Packet-Src-IP-Address = ${nas.address}`, ...(messageAuthenticator ? ['Message-Authenticator = 0x00'] : [])].join('\n');
}

/** radclient with these arguments and this stdin; its stdout and stderr together. */
function radclientRaw(args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('radclient', args);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('error', reject);
    child.on('close', () => resolve(out));
    child.stdin.end(input);
  });
}

/** radclient -x output → the reply code and its attributes. */
function parseReply(output: string): RadclientReply {
  const m = /^Received (Access-\w+|[\w-]+) Id \d+ from .*$/m.exec(output);
  if (!m) return { code: null, attributes: [] };
  const after = output.slice(m.index + m[0].length).split('\n').slice(1);
  const attributes: [string, string][] = [];
  for (const line of after) {
    const a = /^\s+([\w-]+) = (.*)$/.exec(line);
    if (!a) break;
    attributes.push([a[1], a[2].replace(/^"(.*)"$/, '$1')]);
  }
  return { code: m[1], attributes };
}

/** The HOTP code at `counter` for a hex seed, from oathtool (not from tokengate's own code). */
function oathHotp(seedHex: string, counter: number, digits = 6): string {
  return execFileSync('oathtool', ['--hotp', '-d', String(digits), '-c', String(counter), seedHex], { encoding: 'utf8' }).trim();
}

const suffix = () => randomBytes(4).toString('hex');

/** A domain, a user in it, and an HOTP token with a fresh seed (and `pin`) assigned to it. */
export async function radiusUser(s: TestServer, opts: { pin?: string; bulkPin?: string; domain?: string; digits?: 6 | 8 } = {}) {
  const domain = opts.domain ?? `corp-${suffix()}`;
  const existing = await s.call('/domain/search', { match: [['name', '=', domain]] });
  if (existing.total === 0) await s.call('/domain/create', { attrs: { name: domain } });
  const loginName = `alice-${suffix()}`;
  const user = await s.call('/user/create', { attrs: { domain: { name: domain }, loginName } });
  const seedHex = randomBytes(20).toString('hex');
  const serial = `R-${suffix()}`;
  await s.call('/token/create', { attrs: { data: `${serial},${seedHex},hotp,${opts.digits ?? 6},0`, product: { manufacturerCode: 'OATH', productCode: 'HOTP' } } });
  if (opts.bulkPin) {
    // batch assignment stores its PINs as a peppered HMAC (SPEC §8): checked in microseconds, not scrypt's tens of ms
    const csv = `domain,loginName,manufacturerCode,productCode,serial,pin\n${domain},${loginName},OATH,HOTP,${serial},${opts.bulkPin}\n`;
    const reply = await s.rest('/token/batchAssignTokens', { attrs: { csv } });
    if (reply.body.result?.assigned !== 1) throw new Error(`batch assignment failed: ${JSON.stringify(reply.body)}`);
  } else {
    await s.call('/token/assign', { token: { serial }, user: { id: user.id }, ...(opts.pin ? { pin: opts.pin } : {}) });
  }
  let counter = 0;
  return {
    id: user.id as string, loginName, domain, serial, seedHex,
    /** The next HOTP code of its token. */
    nextOtp: () => oathHotp(seedHex, counter++, opts.digits ?? 6),
  };
}

let nextAddress = 1;

/**
 * A RADIUS client through the API, on an address of its own in 127.0.0.0/8 (the loopback
 * takes them all): radclient sends from it with `Packet-Src-IP-Address`.
 */
export async function radiusClientFor(s: TestServer, attrs: Record<string, unknown> = {}) {
  const n = nextAddress++;
  const address = `127.0.${10 + (n >> 8)}.${n & 255}`;
  const secret = `s3cret-${randomBytes(8).toString('hex')}`;
  const name = `nas-${suffix()}`;
  const { id } = await s.call('/radiusClient/create', { attrs: { name, address, secret, ...attrs } });
  return { id: id as string, name, secret, address };
}

export type NasClient = { secret: string; address: string };
