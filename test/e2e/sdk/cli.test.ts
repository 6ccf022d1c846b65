import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer, TestServer } from '../../support/server';
import { ensureBuilt, repoRoot } from '../faults/fault-support';
import { createDomain, createTokens, createUsers, HEADER } from '../token/batch-fixtures';
import { RFC4226_SEED_HEX } from '../token/fixtures';

/** The compiled CLI's HTTP commands (`tokengate call`, `user create-token`, `token …`) against a test server. */
let s: TestServer;
let main: string;
let dir: string;
beforeAll(async () => {
  main = ensureBuilt();
  s = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'tokengate-sdk-cli-'));
}, 180_000); // a stale dist/ is rebuilt first
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await s.close();
});

interface Run { code: number | null; stdout: string; stderr: string; json: any }

/** Spawned, not spawnSync: the server answering it runs in this very process. */
function tokengate(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [main, ...args], {
      cwd: repoRoot, env: { PATH: process.env.PATH, TOKENGATE_URL: s.url, TOKENGATE_KEY: s.adminKey, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      let json: unknown;
      try { json = JSON.parse(stdout); } catch { /* not JSON: the test says what it expects */ }
      resolve({ code, stdout, stderr, json });
    });
  });
}

describe('tokengate call METHOD JSON', () => {
  it('when a method is called then its result is printed as JSON and exit code 0, as raw HTTP reads it', async () => {
    const created = await tokengate(['call', '/domain/create', '{"attrs":{"name":"cli domain"}}']);
    expect(created).toMatchObject({ code: 0, stderr: '', json: { id: expect.any(String) } });
    const got = await tokengate(['call', 'domain/get', JSON.stringify({ id: created.json.id })]);
    expect(got).toMatchObject({ code: 0, stderr: '' });
    expect(got.json).toEqual(await s.call('/domain/get', { id: created.json.id }));
  });

  it('when the call fails then exit code 1 and the error name on stderr, with its data', async () => {
    const missing = await tokengate(['call', '/domain/get', '{"id":"00000000-0000-4000-8000-000000000000"}']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr.split('\n')[0]).toBe('DOMAIN_NOT_FOUND: Domain not found');

    const invalid = await tokengate(['call', '/domain/create', '{"attrs":{"name":""}}']);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^INVALID_PARAMS: .*\n\{\n {2}"errors": \[/);
  });

  it('when the key is missing or the params are not JSON then it fails with exit code 1 and says why', async () => {
    const anonymous = await tokengate(['call', '/domain/search'], { TOKENGATE_KEY: undefined });
    expect(anonymous).toMatchObject({ code: 1, stdout: '' });
    expect(anonymous.stderr).toMatch(/^UNAUTHENTICATED: /);
    const garbled = await tokengate(['call', '/domain/search', '{limit:']);
    expect(garbled.code).toBe(1);
    expect(garbled.stderr).toMatch(/params must be JSON/);
  });
});

describe('tokengate user create-token USER-ID', () => {
  it('when given --ecosystem, --ttl and --expiry-type then it prints {token}, which verifies', async () => {
    const ecosystemId = await createDomain(s, 'cli ecosystem');
    const [userId] = await createUsers(s, ecosystemId, ['cli-user']);
    const run = await tokengate(['user', 'create-token', userId, '--ecosystem', ecosystemId, '--ttl', '120', '--expiry-type', 'SlidingTtl']);
    expect(run).toMatchObject({ code: 0, json: { token: expect.stringMatching(/^tgu_/) } });
    expect(await s.call('/user/verifyToken', { token: run.json.token })).toMatchObject({ active: true, userId, expiryType: 'SlidingTtl' });

    const bad = await tokengate(['user', 'create-token', userId, '--ecosystem', ecosystemId, '--ttl', 'soon']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^TOKEN_DURATION_INVALID: /);
  });
});

describe('tokengate token import | batch-assign | download-url', () => {
  it('when a seed file is imported over HTTP then its tokens exist; a hardware token has no download link', async () => {
    const file = join(dir, 'seeds.csv');
    writeFileSync(file, `CLI-HW-1,${RFC4226_SEED_HEX},HOTP,6,0\n`);
    const run = await tokengate(['token', 'import', file, '--product', 'OATH/HOTP']);
    expect(run).toMatchObject({ code: 0, json: { total: 1, rows: [{ id: expect.any(String), serial: 'CLI-HW-1' }] } });

    const link = await tokengate(['token', 'download-url', 'CLI-HW-1']);
    expect(link).toMatchObject({ code: 1, stdout: '' });
    expect(link.stderr).toMatch(/^TOKEN_NOT_DOWNLOADABLE: /);
  });

  it('when a software token\'s serial is given then download-url prints a single-use link', async () => {
    const domainId = await createDomain(s, 'cli software');
    const [userId] = await createUsers(s, domainId, ['soft']);
    const token = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: userId } } });
    const run = await tokengate(['token', 'download-url', token.serial, '--ttl', '60']);
    expect(run).toMatchObject({ code: 0, json: { url: expect.stringMatching(/\/download\//), expiresAt: expect.any(String) } });
    expect((await fetch(run.json.url)).status).toBe(200);
  });

  it('when a CSV file is streamed in partial mode then the result is printed, and a failed row makes the exit code 1', async () => {
    const domainId = await createDomain(s, 'cli batch');
    await createUsers(s, domainId, ['b1', 'b2']);
    await createTokens(s, ['CLI-B-1', 'CLI-B-2']);
    const file = join(dir, 'assign.csv');
    writeFileSync(file, [HEADER, 'cli batch,b1,DN,ST,CLI-B-1,,', 'cli batch,b2,DN,ST,CLI-B-404,,'].join('\n'));
    const run = await tokengate(['token', 'batch-assign', file, '--mode', 'partial']);
    expect(run.code).toBe(1);
    expect(run.json).toEqual({ total: 2, assigned: 1, failed: 1, errors: [{ line: 3, serial: 'CLI-B-404', name: 'TOKEN_NOT_FOUND', message: expect.any(String) }] });

    writeFileSync(file, [HEADER, 'cli batch,b2,DN,ST,CLI-B-2,,'].join('\n'));
    expect(await tokengate(['token', 'batch-assign', file])).toMatchObject({ code: 0, json: { total: 1, assigned: 1, failed: 0 } });
  });
});

describe('the compiled tokengate/client', () => {
  it('when required by package name then it loads only its own modules (no server code, no packages)', async () => {
    const probe = spawn(process.execPath, ['-e', "require('tokengate/client'); console.log(JSON.stringify(Object.keys(require.cache)))"], { cwd: repoRoot });
    let out = '';
    probe.stdout.on('data', (d) => { out += d; });
    await new Promise((resolve) => probe.on('close', resolve));
    const loaded: string[] = JSON.parse(out);
    expect(loaded.length).toBeGreaterThan(5);
    expect(loaded.filter((f) => !f.startsWith(join(repoRoot, 'dist/src/client/')))).toEqual([]);
  });
});
