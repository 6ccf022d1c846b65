import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'ldapts';

/**
 * Debian's OpenLDAP for the directory tests, as global-setup starts PostgreSQL: a
 * slapd.conf in a temp dir, back_mdb, a free port, users loaded with slapadd before
 * the start. Users are uid=user00001… under ou=people, password "pw-<uid>". Only a bound
 * connection reads anything (a pooled connection that lost its bind would find nobody),
 * and an empty password binds, as on Active Directory: tokengate must refuse it itself.
 */
export const SLAPD = '/usr/sbin/slapd';
export const SLAPD_MISSING = !existsSync(SLAPD) || !existsSync('/usr/sbin/slapadd');
const INSTALL = 'apt-get install -y slapd ldap-utils';

/** `describe` when slapd is installed (or CI=true, where its absence must fail); else a skip that says what to install. */
export function describeWithSlapd(name: string, body: () => void): void {
  if (SLAPD_MISSING && process.env.CI !== 'true') {
    console.warn(`skipping "${name}": no slapd (${INSTALL})`);
    describe.skip(name, body);
    return;
  }
  describe(name, body);
}

export interface SlapdOptions {
  users?: number;
  tls?: { cert: string; key: string };
  /** More lines for the database section of slapd.conf (e.g. `limits`). */
  databaseConfig?: string;
}

export interface Slapd {
  url: string;
  /** ldaps:// on its own port, when started with tls */
  ldapsUrl?: string;
  baseDn: string;
  adminDn: string;
  adminPassword: string;
  /** An LDAP client bound as the admin, for changing the directory under test. */
  admin<T>(work: (client: Client) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: the port accepts connections, nothing answers (a slow directory). */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

export const BASE_DN = 'dc=example,dc=com';

export function userLdif(count: number, from = 1): string {
  let out = '';
  for (let i = from; i < from + count; i++) {
    const uid = `user${String(i).padStart(5, '0')}`;
    out += `dn: uid=${uid},ou=people,${BASE_DN}\nobjectClass: inetOrgPerson\nuid: ${uid}\ncn: User ${i}\nsn: Number${i}\ngivenName: User\n`
      + `mail: ${uid}@example.com\nuserPassword: pw-${uid}\n\n`;
  }
  return out;
}

export async function startSlapd(opts: SlapdOptions = {}): Promise<Slapd> {
  if (SLAPD_MISSING) throw new Error(`no slapd: ${INSTALL}`);
  const dir = mkdtempSync(join(tmpdir(), 'tg-slapd-'));
  mkdirSync(join(dir, 'db'));
  const port = await freePort();
  const tlsPort = opts.tls ? await freePort() : undefined;
  const adminPassword = 'admin-secret';
  const tls = opts.tls ? `TLSCertificateFile ${opts.tls.cert}\nTLSCertificateKeyFile ${opts.tls.key}\n` : '';
  writeFileSync(join(dir, 'slapd.conf'), `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile ${dir}/slapd.pid
${tls}sizelimit unlimited
# as lenient as Active Directory: a DN with an empty password is an (unauthenticated) successful bind
allow bind_anon_dn
database mdb
maxsize 268435456
suffix "${BASE_DN}"
rootdn "cn=admin,${BASE_DN}"
rootpw ${adminPassword}
directory ${dir}/db
index uid,entryUUID eq
${opts.databaseConfig ?? ''}
access to attrs=userPassword by anonymous auth by * none
access to * by users read by anonymous auth
`);
  const base = `dn: ${BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n`
    + `dn: ou=people,${BASE_DN}\nobjectClass: organizationalUnit\nou: people\n\n`;
  writeFileSync(join(dir, 'users.ldif'), base + userLdif(opts.users ?? 0));
  execFileSync('/usr/sbin/slapadd', ['-q', '-f', join(dir, 'slapd.conf'), '-l', join(dir, 'users.ldif')], { stdio: 'pipe' });

  const urls = `ldap://127.0.0.1:${port}/${tlsPort ? ` ldaps://127.0.0.1:${tlsPort}/` : ''}`;
  const url = `ldap://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const adminDn = `cn=admin,${BASE_DN}`;

  async function start() {
    const args = ['-d', '0', '-f', join(dir, 'slapd.conf'), '-h', urls, ...(process.getuid?.() === 0 ? ['-u', 'root'] : [])];
    child = spawn(SLAPD, args, { stdio: 'ignore' });
    for (let i = 0; ; i++) {
      const c = new Client({ url, connectTimeout: 500, timeout: 1000 });
      try {
        await c.bind(adminDn, adminPassword);
        return;
      } catch (err) {
        if (i > 100 || child.exitCode !== null) throw new Error(`slapd did not start: ${String(err)}`, { cause: err });
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        await c.unbind().catch(() => {});
      }
    }
  }
  async function stop() {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    c.kill('SIGCONT');
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
  await start();
  return {
    url, ldapsUrl: tlsPort ? `ldaps://127.0.0.1:${tlsPort}` : undefined, baseDn: BASE_DN, adminDn, adminPassword,
    async admin(work) {
      const c = new Client({ url, timeout: 30_000 });
      try {
        await c.bind(adminDn, adminPassword);
        return await work(c);
      } finally {
        await c.unbind().catch(() => {});
      }
    },
    start, stop,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/** A CA and a server certificate for 127.0.0.1 / localhost, made with openssl in `dir`. */
export function makeTestCa(dir: string): { ca: string; cert: string; key: string } {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=tokengate test CA');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}
