/**
 * The PSKC conformance corpus lives beside the repository, in shared/conformance/pskc
 * (CI clones the repo next to shared/). Found from this file or from the working directory.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const CANDIDATES = [
  path.resolve(__dirname, '../../../..', 'shared', 'conformance', 'pskc'),
  path.resolve(process.cwd(), '..', 'shared', 'conformance', 'pskc'),
  path.resolve(process.cwd(), 'shared', 'conformance', 'pskc'),
];

export const CORPUS_DIR = CANDIDATES.find((candidate) => existsSync(path.join(candidate, 'EXPECTED.md'))) ?? CANDIDATES[0];

export function corpusFile(relativePath: string): string {
  return readFileSync(path.join(CORPUS_DIR, relativePath), 'utf8');
}

export function corpusFiles(folder: string): string[] {
  return readdirSync(path.join(CORPUS_DIR, folder)).sort().map((name) => `${folder}/${name}`);
}

export const RFC_PSK = '12345678901234567890123456789012';
export const ASCII_20 = Buffer.from('12345678901234567890');
