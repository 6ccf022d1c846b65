/**
 * Seed files read by the unit tests through the server's own streamed path, without a
 * database: openImportFile (the JSON form of /token/create: format detection, then the
 * text in 64 kB slices), readImportEntries (papaparse or saxes, then the per-entry
 * readers) and draftProblems, as import-staging.ts checks each entry. The file-wide
 * rules the server applies in SQL (import-checks.ts) are restated here, in file order:
 * a serial repeated among good entries is bad after its first, and a file without a
 * token is refused with ImportFileError.ofNoTokens. test/e2e/token covers that SQL.
 */
import type { ImportedToken, ImportFormat, ImportKeys, ImportProblem } from '../../src/domain/import';
import { ImportFileError, SkippedKeys } from '../../src/domain/import';
import type { PskcKeyReading } from '../../src/domain/import/pskc/pskc-key';
import { readPskcStream } from '../../src/domain/import/pskc/pskc-stream';
import { draftProblems } from '../../src/domain/import/token-checks';
import { readXmlStream } from '../../src/domain/import/xml-stream';
import type { XmlElement } from '../../src/domain/import/xml-tree';
import { E, isAppError } from '../../src/errors';
import { sliceText } from '../../src/services/batch-assign/decode-text';
import { readImportEntries } from '../../src/services/token-import/import-entries';
import { openImportFile } from '../../src/services/token-import/import-input';

/** Every token of the file, or the ImportFileError the server would report (every bad entry, by position). */
export async function readImportFile(
  text: string,
  opts: { format?: ImportFormat } & ImportKeys = {},
): Promise<{ format: ImportFormat; tokens: ImportedToken[] }> {
  const file = openFile(text, opts);
  const tokens: ImportedToken[] = [];
  const problems: ImportProblem[] = [];
  const skipped = new SkippedKeys();
  const firstPositionBySerial = new Map<string, number>();
  for await (const entry of readImportEntries(file.text, file.reader, file)) {
    if ('skipped' in entry) {
      skipped.add(entry.skipped);
      continue;
    }
    const serial = entry.serial?.trim() || undefined;
    const messages = draftProblems(entry);
    if (messages.length === 0 && entry.token && serial) {
      const first = firstPositionBySerial.get(serial);
      if (first === undefined) {
        firstPositionBySerial.set(serial, entry.position);
        tokens.push(entry.token);
        continue;
      }
      messages.push(`serial ${serial} is already used by entry ${first} of this file`);
    }
    problems.push({ position: entry.position, ...(serial ? { serial } : {}), message: messages.join('; ') || 'no token could be read' });
  }
  if (problems.length > 0) throw new ImportFileError(problems);
  if (tokens.length === 0) throw ImportFileError.ofNoTokens(skipped);
  return { format: file.reader as ImportFormat, tokens };
}

/** The readings of a PSKC file's keys (tokens, bad keys, skipped keys with their serials), streamed. */
export async function readPskcReadings(text: string, keys: ImportKeys): Promise<PskcKeyReading[]> {
  const readings: PskcKeyReading[] = [];
  for await (const reading of readPskcStream(readXmlStream(sliceText(text)), keys)) readings.push(reading);
  return readings;
}

/** The whole element tree of a document, put together from the streamed items, for tests below the entry readers. */
export async function readXmlDocument(text: string): Promise<XmlElement> {
  let root: XmlElement | undefined;
  for await (const item of readXmlStream(sliceText(text))) {
    if (item.kind === 'root') root = item.root;
    else root!.children.push(item.element);
  }
  if (!root) throw new Error('no root element');
  return root;
}

/** The server refuses an unrecognised file as IMPORT_FILE_INVALID; its reasons are an ImportFileError's. */
function openFile(text: string, opts: { format?: ImportFormat } & ImportKeys) {
  try {
    return openImportFile({ data: text, ...opts }, undefined);
  } catch (err) {
    if (isAppError(err) && err.def === E.IMPORT_FILE_INVALID) throw new ImportFileError(err.data!.errors as ImportProblem[]);
    throw err;
  }
}
