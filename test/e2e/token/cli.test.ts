import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerTokenCommands } from '../../../src/cli/token-commands';
import { unseal } from '../../../src/domain/crypto/seal';
import { loadServerKeys } from '../../../src/db/server-keys';
import { unsealSeed } from '../../../src/services/tokens/token-seeds';
import { startTestServer, TestServer } from '../../support/server';
import { pskcFile } from './fixtures';

/** `tokengate import` and `tokengate rotate-master-key`, run in-process against this file's database. */
let s: TestServer;
let dir: string;
const saved = { ...process.env };
beforeAll(async () => {
  s = await startTestServer();
  dir = mkdtempSync(join(tmpdir(), 'tokengate-cli-test-'));
  process.env.DATABASE_URL = s.databaseUrl;
  process.env.TOKENGATE_MASTER_KEY = s.keys.masterKey.toString('base64');
  process.env.TOKENGATE_DATA_DIR = dir;
});
afterAll(async () => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
  await s.close();
});

async function run(...args: string[]): Promise<string> {
  const program = new Command('tokengate').exitOverride();
  registerTokenCommands(program);
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line) => void lines.push(String(line)));
  const err = jest.spyOn(console, 'error').mockImplementation((line) => void lines.push(String(line)));
  try {
    await program.parseAsync(['node', 'tokengate', ...args]);
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
  return lines.join('\n');
}

describe('tokengate import', () => {
  it('when a PSKC file is imported with its passphrase then its tokens are stored in the repository, which is created', async () => {
    const file = join(dir, 'figure7.pskcxml');
    writeFileSync(file, pskcFile('rfc6030/figure7.pskcxml'));
    const out = await run('import', file, '--product', 'OATH/HOTP', '--repository', 'stock-2026', '--passphrase', 'qwerty');
    expect(out).toMatch(/imported 1 tokens from .* into repository stock-2026/);
    const rows = await s.db.query(`SELECT t.serial, r.name FROM tokens t JOIN repositories r ON r.id = t.repository_id`);
    expect(rows).toEqual([{ serial: '987654321', name: 'stock-2026' }]);
  });

  it('when the file has bad entries then each is printed and nothing is imported', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, [`CLI-1,${'aa'.repeat(20)},HOTP,6,0`, 'CLI-2,xyz,HOTP,6,0'].join('\n'));
    const lines: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((line) => void lines.push(String(line)));
    await expect(run('import', file)).rejects.toThrow(/IMPORT_FILE_INVALID.*nothing was imported/);
    err.mockRestore();
    expect(await s.db.query(`SELECT 1 FROM tokens WHERE serial LIKE 'CLI-%'`)).toEqual([]);
  });
});

describe('tokengate rotate-master-key', () => {
  it('when given a new key then every seed, the pepper and the RADIUS secrets open with it, and no longer with the old one', async () => {
    const file = join(dir, 'many.csv');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => `ROT-${i},${Buffer.from(`seed-${i}`.padEnd(20, '.')).toString('hex')},HOTP,6,0`).join('\n'));
    await run('import', file);
    const { id: radiusId } = await s.call('/radiusClient/create', { attrs: { name: 'rot-nas', address: '192.0.2.99', secret: 'radius-secret-to-rotate' } });
    const newKey = randomBytes(32);
    const out = await run('rotate-master-key', '--new-key', newKey.toString('hex'));
    expect(out).toMatch(/re-encrypted \d+ seeds and 2 server secrets/);
    const [{ sealed }] = await s.db.query('SELECT secret_sealed AS sealed FROM radius_clients WHERE id = $1', [radiusId]);
    expect(unseal(newKey, sealed, radiusId).toString()).toBe('radius-secret-to-rotate');
    expect(() => unseal(s.keys.masterKey, sealed, radiusId)).toThrow();
    expect(out).toContain('set TOKENGATE_MASTER_KEY');

    const rows = await s.db.query(`SELECT id, serial, seed_sealed FROM tokens WHERE serial LIKE 'ROT-%' ORDER BY serial`);
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      const i = row.serial.slice(4);
      expect(unsealSeed(newKey, row.seed_sealed, row.id).toString()).toBe(`seed-${i}`.padEnd(20, '.'));
      expect(() => unsealSeed(s.keys.masterKey, row.seed_sealed, row.id)).toThrow();
    }
    expect((await loadServerKeys(s.db, newKey)).pepper).toEqual(s.keys.pepper);
    await expect(loadServerKeys(s.db, s.keys.masterKey)).rejects.toThrow(/master key does not open/);
  });
});
