import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLIENT_SETTINGS, SETTINGS, settingsOf } from '../../../src/config';

/** The README's configuration tables: one row per variable, `NAME` | default | meaning. */
function readmeRows(): Map<string, string> {
  const readme = readFileSync(join(__dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const rows = new Map<string, string>();
  for (const line of section.split('\n').filter((l) => l.startsWith('| `'))) {
    const [name, shownDefault] = line.split(' | ').map((cell) => cell.replace(/^\| /, '').trim());
    expect(name).toMatch(/^`[A-Z_]+`$/); // one variable per row
    rows.set(name.replace(/`/g, ''), shownDefault.replace(/`/g, ''));
  }
  return rows;
}

describe('README configuration tables', () => {
  it('list exactly the variables src/config.ts reads, with their defaults', () => {
    const fromConfig = new Map([...settingsOf(SETTINGS), ...settingsOf(CLIENT_SETTINGS)]
      .map((s) => [s.env, (s.shownDefault ?? s.fallback ?? '').replace(/`/g, '')]));
    expect(Object.fromEntries(readmeRows())).toEqual(Object.fromEntries(fromConfig));
  });
});
