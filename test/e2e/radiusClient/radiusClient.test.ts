import { spawn } from 'node:child_process';
import { unseal } from '../../../src/domain/crypto/seal';
import { ensureBuilt, repoRoot } from '../faults/fault-support';
import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const SECRET = 'a-shared-secret-of-32-characters';
const errorOf = (reply: { error?: { data: { name: string; errors?: unknown } } }) => reply.error?.data;
const row = async (id: string) => (await s.db.query('SELECT name, address::text AS address, secret_sealed, domain, require_message_authenticator, transport FROM radius_clients WHERE id = $1', [id]))[0];

describe('/radiusClient/*', () => {
  it('when a client is created then get and search show it with its defaults and never the secret, which is sealed under the master key', async () => {
    await s.call('/domain/create', { attrs: { name: 'corp' } });
    const { id } = await s.call('/radiusClient/create', { attrs: { name: 'vpn-1', address: '192.0.2.10', secret: SECRET, domain: 'corp' } });
    const expected = {
      id, name: 'vpn-1', address: '192.0.2.10', domain: 'corp', requireMessageAuthenticator: true, transport: 'any', description: null, createdAt: expect.any(String),
    };
    expect(await s.call('/radiusClient/get', { id })).toEqual(expected);
    expect(await s.call('/radiusClient/search', { match: [['name', '=', 'vpn-1']] })).toEqual({ total: 1, rows: [expected] });
    const stored = await row(id);
    expect(stored.secret_sealed.includes(Buffer.from(SECRET))).toBe(false);
    expect(unseal(s.keys.masterKey, stored.secret_sealed, id).toString()).toBe(SECRET);
    const { rows } = await s.call('/audit/search', { match: [['method', '=', '/radiusClient/create']] });
    expect(JSON.stringify(rows)).not.toContain(SECRET);
  });

  it('when the secret is shorter than 16 characters or the address is no IP or CIDR then INVALID_PARAMS and nothing is stored', async () => {
    const short = await s.rpc('/radiusClient/create', { attrs: { name: 'short', address: '192.0.2.11', secret: '15-characters!!' } });
    expect(errorOf(short)).toEqual({ name: 'INVALID_PARAMS', errors: [expect.objectContaining({ path: '/attrs/secret' })] });
    for (const address of ['192.0.2.300', '10.0.0.0/33', 'vpn.example.com', '2001:db8::/129']) {
      const bad = await s.rpc('/radiusClient/create', { attrs: { name: 'bad', address, secret: SECRET } });
      expect(errorOf(bad)).toEqual({ name: 'INVALID_PARAMS', errors: [{ path: '/attrs/address', message: expect.stringContaining('IP address or a CIDR') }] });
    }
    expect((await s.db.query("SELECT count(*)::int AS n FROM radius_clients WHERE name IN ('short', 'bad')"))[0].n).toBe(0);
  });

  it('when a name or an address is taken, or the domain does not exist, then CONFLICT or DOMAIN_NOT_FOUND', async () => {
    await s.call('/radiusClient/create', { attrs: { name: 'fw', address: '10.0.0.0/8', secret: SECRET, transport: 'udp' } });
    expect(errorOf(await s.rpc('/radiusClient/create', { attrs: { name: 'fw', address: '10.1.0.0/16', secret: SECRET } })))
      .toEqual({ name: 'CONFLICT', reason: 'DUPLICATE', fields: ['name'] });
    expect(errorOf(await s.rpc('/radiusClient/create', { attrs: { name: 'fw-2', address: '10.0.0.0/8', secret: SECRET } })))
      .toEqual({ name: 'CONFLICT', reason: 'DUPLICATE', fields: ['address'] });
    expect(errorOf(await s.rpc('/radiusClient/create', { attrs: { name: 'wifi', address: '2001:db8::/32', secret: SECRET, domain: 'nowhere' } })))
      .toEqual({ name: 'DOMAIN_NOT_FOUND', domain: 'nowhere' });
  });

  it('when set changes the secret and flags then the new secret is sealed and the rest reads back; delete removes it', async () => {
    const { id } = await s.call('/radiusClient/create', { attrs: { name: 'pam-host', address: '198.51.100.0/24', secret: SECRET } });
    const changed = await s.call('/radiusClient/set', { id, attrs: { secret: 'another-secret-0123456789', requireMessageAuthenticator: false, transport: 'radsec' } });
    expect(changed).toEqual({
      id, name: 'pam-host', address: '198.51.100.0/24', domain: null, requireMessageAuthenticator: false, transport: 'radsec', description: null, createdAt: expect.any(String),
    });
    expect(unseal(s.keys.masterKey, (await row(id)).secret_sealed, id).toString()).toBe('another-secret-0123456789');
    expect(await s.call('/radiusClient/delete', { id })).toEqual({ id });
    expect(errorOf(await s.rpc('/radiusClient/get', { id }))).toEqual({ name: 'RADIUS_CLIENT_NOT_FOUND' });
    expect(errorOf(await s.rpc('/radiusClient/delete', { id }))).toEqual({ name: 'RADIUS_CLIENT_NOT_FOUND' });
  });

  it('when a key without the admin scope calls then FORBIDDEN', async () => {
    const key = await s.keyWith(['directory', 'auth:verify']);
    expect(errorOf(await s.rpc('/radiusClient/search', {}, key))).toEqual({ name: 'FORBIDDEN', scope: 'admin' });
  });
});

describe('tokengate radius-client', () => {
  // not spawnSync: the server answering the CLI runs in this very process
  const cli = (args: string[], input?: string) => new Promise<{ status: number | null; out: any; err: string }>((resolve) => {
    const child = spawn(process.execPath, [ensureBuilt(), 'radius-client', ...args], {
      cwd: repoRoot, env: { PATH: process.env.PATH, TOKENGATE_URL: s.url, TOKENGATE_KEY: s.adminKey },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('close', (status) => resolve({ status, out: out ? JSON.parse(out) : null, err }));
    child.stdin.end(input ?? '');
  });

  it('when adding, listing and removing a client then the secret is printed once (generated, or read from stdin) and never listed', async () => {
    const added = await cli(['add', '--name', 'cli-vpn', '--address', '203.0.113.5', '--transport', 'udp']);
    expect(added).toEqual({ status: 0, out: { id: expect.any(String), secret: expect.stringMatching(/^[\w-]{32}$/) }, err: '' });
    expect(unseal(s.keys.masterKey, (await row(added.out.id)).secret_sealed, added.out.id).toString()).toBe(added.out.secret);
    const fromStdin = await cli(['add', '--name', 'cli-pam', '--address', '203.0.113.6', '--secret-stdin', '--no-require-message-authenticator'], `${SECRET}\n`);
    expect(fromStdin).toEqual({ status: 0, out: { id: expect.any(String) }, err: '' });
    expect(unseal(s.keys.masterKey, (await row(fromStdin.out.id)).secret_sealed, fromStdin.out.id).toString()).toBe(SECRET);
    const listed = await cli(['list']);
    expect(listed.out.filter((c: { name: string }) => c.name.startsWith('cli-'))).toEqual([
      expect.objectContaining({ name: 'cli-pam', address: '203.0.113.6', requireMessageAuthenticator: false, transport: 'any' }),
      expect.objectContaining({ name: 'cli-vpn', address: '203.0.113.5', requireMessageAuthenticator: true, transport: 'udp' }),
    ]);
    expect(JSON.stringify(listed.out)).not.toContain(SECRET);
    expect(await cli(['remove', 'cli-vpn'])).toEqual({ status: 0, out: { id: added.out.id }, err: '' });
    expect((await cli(['remove', 'cli-vpn'])).status).toBe(1);
  }, 120_000);
});
