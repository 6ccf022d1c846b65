/** The PSKC conformance corpus, kept in the repository: test/fixtures/pskc (see its README.md). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const CORPUS_DIR = path.resolve(__dirname, '../../fixtures/pskc');

export function corpusFile(relativePath: string): string {
  return readFileSync(path.join(CORPUS_DIR, relativePath), 'utf8');
}

export function corpusFiles(folder: string): string[] {
  return readdirSync(path.join(CORPUS_DIR, folder)).sort().map((name) => `${folder}/${name}`);
}

export const RFC_PSK = '12345678901234567890123456789012';
export const ASCII_20 = Buffer.from('12345678901234567890');
