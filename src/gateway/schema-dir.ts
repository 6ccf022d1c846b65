import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** schemas/ at the repository root, from src/ (ts-jest) or dist/src/ (compiled). */
export const SCHEMA_DIR = findUp(__dirname, join('schemas', 'common.json'));

function findUp(from: string, relative: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return join(dir, dirname(relative));
  }
  throw new Error(`${relative} not found above ${from}`);
}
