import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { methodNames } from '../../../src/client/generated/params';

const root = join(__dirname, '../../..');

describe('scripts/generate-client-types.mjs', () => {
  it('when run again then it writes exactly the committed src/client/generated files (run npm run generate:client otherwise)', () => {
    const out = mkdtempSync(join(tmpdir(), 'tokengate-client-types-'));
    try {
      const run = spawnSync(process.execPath, [join(root, 'scripts/generate-client-types.mjs'), '--out-dir', out], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      for (const file of ['params.ts', 'errors.ts']) {
        expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(root, 'src/client/generated', file), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('when a schema file is in schemas/ then its method is in the generated list, and only those', () => {
    const onDisk = readdirSync(join(root, 'schemas'), { withFileTypes: true }).filter((e) => e.isDirectory())
      .flatMap((d) => readdirSync(join(root, 'schemas', d.name)).map((f) => `/${d.name}/${f.replace(/\.json$/, '')}`));
    expect([...methodNames].sort()).toEqual(onDisk.sort());
  });
});
