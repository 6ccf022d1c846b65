import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { methodNames } from '../../../src/client/generated/params';
import { errorCatalog } from '../../../src/client/generated/errors';

const root = join(__dirname, '../../..');
const committed = () => readFileSync(join(root, 'docs/methods.md'), 'utf8');

describe('docs/methods.md (npm run docs)', () => {
  it('when generated again from schemas/ then it is exactly the committed file (run npm run docs otherwise)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-docs-'));
    try {
      const run = spawnSync(process.execPath, [join(root, 'scripts/generate-method-docs.mjs'), '--out', join(dir, 'methods.md')], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(readFileSync(join(dir, 'methods.md'), 'utf8')).toBe(committed());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('has a section for every method with who may call it, its params, result and errors, and the whole catalog', () => {
    const doc = committed();
    const sections = doc.split(/^## /m).slice(1);
    expect(sections.map((s) => s.split('\n')[0])).toEqual([...[...methodNames].sort(), 'Error catalog']);
    for (const section of sections.slice(0, -1)) {
      expect(section).toMatch(/\*\*Who may call\*\*: (API keys with scope `[a-z:]+`|any API key)/);
      for (const part of ['**Params**', '**Result**: ', '**Errors**: ']) expect(section).toContain(part);
    }
    expect(doc).toContain('| `TOKEN_DURATION_INVALID` | 1002 | 400 |');
    for (const name of Object.keys(errorCatalog)) expect(doc).toContain(`| \`${name}\` |`);
  });
});
