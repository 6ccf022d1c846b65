/** Hardware token seed files → tokens to store. Pure: no HTTP, no database. */
import { detectImportFormat } from './detect-import-format';
import { parseDualshieldXml } from './dualshield-xml';
import { ImportFileError } from './import-file-error';
import type { ImportedToken, ImportFormat, ImportKeys } from './imported-token';
import { parseOathCsv } from './oath-csv';
import { parsePskc } from './pskc/pskc-document';

export type { ImportedToken, ImportFormat, ImportKeys } from './imported-token';
export type { ImportProblem } from './import-file-error';
export { ImportFileError } from './import-file-error';
export { detectImportFormat } from './detect-import-format';

const PARSERS: Record<ImportFormat, (text: string, keys: ImportKeys) => ImportedToken[]> = {
  pskc: parsePskc,
  'dualshield-xml': (text) => parseDualshieldXml(text),
  'oath-csv': (text) => parseOathCsv(text),
};

/**
 * Reads every token of the file, or throws ImportFileError listing every bad entry:
 * an import is all-or-nothing. The format is detected when not given.
 */
export function parseImportFile(
  text: string,
  opts: { format?: ImportFormat } & ImportKeys,
): { format: ImportFormat; tokens: ImportedToken[] } {
  const format = opts.format ?? detectImportFormat(text);
  if (!format) {
    throw ImportFileError.ofFile('the file is not recognised: expected PSKC (RFC 6030) XML, DualShield XML or OATH CSV');
  }
  const parse = Object.hasOwn(PARSERS, format) ? PARSERS[format] : undefined;
  if (!parse) throw ImportFileError.ofFile(`unknown import format "${String(format).slice(0, 20)}"`);
  return { format, tokens: parse(text, { psk: opts.psk, passphrase: opts.passphrase }) };
}
