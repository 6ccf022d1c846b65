import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureBuilt, freePort, repoRoot } from '../faults/fault-support';

/** Which npm packages the compiled CLI loads for a command (printed by a --require hook at exit). */
let main: string;
let hook: string;
beforeAll(() => {
  main = ensureBuilt();
  hook = join(mkdtempSync(join(tmpdir(), 'tokengate-cli-loads-')), 'packages-loaded.js');
  writeFileSync(hook, `process.on('exit', () => {
    const names = Object.keys(require.cache).filter((p) => p.includes('/node_modules/'))
      .map((p) => p.split('/node_modules/').pop().split('/').slice(0, p.split('/node_modules/').pop().startsWith('@') ? 2 : 1).join('/'));
    process.stderr.write('LOADED ' + JSON.stringify([...new Set(names)].sort()) + '\\n');
  });`);
}, 180_000);
afterAll(() => rmSync(dirname(hook), { recursive: true, force: true }));

async function packagesLoadedBy(args: string[]): Promise<{ packages: string[]; stdout: string; stderr: string }> {
  const port = await freePort(); // nothing listens: the call fails, after loading what it loads
  const run = spawnSync(process.execPath, ['--require', hook, main, ...args], {
    cwd: repoRoot, encoding: 'utf8', timeout: 20_000,
    env: { PATH: process.env.PATH, TOKENGATE_URL: `http://127.0.0.1:${port}`, TOKENGATE_KEY: 'tgk_none' },
  });
  const line = run.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`no LOADED line; stderr: ${run.stderr}`);
  return { packages: JSON.parse(line.slice('LOADED '.length)), stdout: run.stdout, stderr: run.stderr };
}

describe('CLI start-up', () => {
  it('when running `tokengate call` then only commander is loaded: no pg or express', async () => {
    const { packages, stderr } = await packagesLoadedBy(['call', '/domain/search', '{}']);
    expect(packages).toEqual(['commander']);
    expect(stderr).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('when running `tokengate user create-token` then pg is not loaded either', async () => {
    const { packages } = await packagesLoadedBy(['user', 'create-token', 'u1', '--ecosystem', 'e1']);
    expect(packages).not.toContain('pg');
  });

  it('when running `tokengate radius-client list` then only commander is loaded (the SDK over HTTP)', async () => {
    const { packages, stderr } = await packagesLoadedBy(['radius-client', 'list']);
    expect(packages).toEqual(['commander']);
    expect(stderr).toMatch(/fetch failed|ECONNREFUSED/);
  });

  it('when asking for help then every command is listed, the database ones included', async () => {
    const { stdout, packages } = await packagesLoadedBy(['--help']);
    for (const name of ['serve', 'migrate', 'apikey', 'import', 'rotate-master-key', 'batch-assign', 'call', 'user', 'token', 'radius-client']) {
      expect(stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    expect(packages).toContain('pg');
  });
});
