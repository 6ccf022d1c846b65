import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { registerTokenCommands } from '../../../src/cli/token-commands';
import { unseal } from '../../../src/domain/crypto/seal';
import { loadServerKeys } from '../../../src/db/server-keys';
import { unsealSeed } from '../../../src/services/tokens/token-seeds';
import { cliAgainstTestServer } from '../../support/cli-in-process';
import { pskcFile } from './fixtures';

/** `tokengate import` and `tokengate rotate-master-key`, run in-process against this file's database. */
const cli = cliAgainstTestServer(registerTokenCommands);
const run = (...args: string[]) => cli.run(...args);

describe('tokengate import', () => {
  it('when a PSKC file is imported with its passphrase then its tokens are stored in the repository, which is created', async () => {
    const file = join(cli.dir, 'figure7.pskcxml');
    writeFileSync(file, pskcFile('rfc6030/figure7.pskcxml'));
    const out = await run('import', file, '--product', 'OATH/HOTP', '--repository', 'stock-2026', '--passphrase', 'qwerty');
    expect(out).toMatch(/imported 1 tokens from .* into repository stock-2026/);
    const rows = await cli.s.db.query(`SELECT t.serial, r.name FROM tokens t JOIN repositories r ON r.id = t.repository_id`);
    expect(rows).toEqual([{ serial: '987654321', name: 'stock-2026' }]);
  });

  it('when the file has bad entries then each is printed and nothing is imported', async () => {
    const file = join(cli.dir, 'bad.csv');
    writeFileSync(file, [`CLI-1,${'aa'.repeat(20)},HOTP,6,0`, 'CLI-2,xyz,HOTP,6,0'].join('\n'));
    const lines: string[] = [];
    const err = jest.spyOn(console, 'error').mockImplementation((line) => void lines.push(String(line)));
    await expect(run('import', file)).rejects.toThrow(/IMPORT_FILE_INVALID.*nothing was imported/);
    err.mockRestore();
    expect(await cli.s.db.query(`SELECT 1 FROM tokens WHERE serial LIKE 'CLI-%'`)).toEqual([]);
  });
});

describe('tokengate rotate-master-key', () => {
  it('when given a new key then every seed, the pepper and the RADIUS secrets open with it, and no longer with the old one', async () => {
    const file = join(cli.dir, 'many.csv');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => `ROT-${i},${Buffer.from(`seed-${i}`.padEnd(20, '.')).toString('hex')},HOTP,6,0`).join('\n'));
    await run('import', file);
    const { id: radiusId } = await cli.s.call('/radiusClient/create', { attrs: { name: 'rot-nas', address: '192.0.2.99', secret: 'radius-secret-to-rotate' } });
    const newKey = randomBytes(32);
    const out = await run('rotate-master-key', '--new-key', newKey.toString('hex'));
    expect(out).toMatch(/re-encrypted \d+ seeds and 2 server secrets/);
    const [{ sealed }] = await cli.s.db.query('SELECT secret_sealed AS sealed FROM radius_clients WHERE id = $1', [radiusId]);
    expect(unseal(newKey, sealed, radiusId).toString()).toBe('radius-secret-to-rotate');
    expect(() => unseal(cli.s.keys.masterKey, sealed, radiusId)).toThrow();
    expect(out).toContain('set TOKENGATE_MASTER_KEY');

    const rows = await cli.s.db.query(`SELECT id, serial, seed_sealed FROM tokens WHERE serial LIKE 'ROT-%' ORDER BY serial`);
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      const i = row.serial.slice(4);
      expect(unsealSeed(newKey, row.seed_sealed, row.id).toString()).toBe(`seed-${i}`.padEnd(20, '.'));
      expect(() => unsealSeed(cli.s.keys.masterKey, row.seed_sealed, row.id)).toThrow();
    }
    expect((await loadServerKeys(cli.s.db, newKey)).pepper).toEqual(cli.s.keys.pepper);
    await expect(loadServerKeys(cli.s.db, cli.s.keys.masterKey)).rejects.toThrow(/master key does not open/);
  });
});
