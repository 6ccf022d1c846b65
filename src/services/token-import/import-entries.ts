import { ImportFileError, type ImportFormat, type ImportKeys } from '../../domain/import';
import { readDualshieldStream } from '../../domain/import/dualshield-xml';
import { oathCsvLineReader } from '../../domain/import/oath-csv';
import { readPskcStream } from '../../domain/import/pskc/pskc-stream';
import type { TokenDraft } from '../../domain/import/token-checks';
import { readXmlStream, type XmlStreamItem } from '../../domain/import/xml-stream';
import { readCsvRecords } from '../batch-assign/csv-records';
import { CsvSyntaxError } from '../batch-assign/csv-text-cleaner';

/** One entry of a seed file: a token draft, or a PSKC key that is no OTP token (its algorithm). */
export type ImportEntry = TokenDraft | { skipped: string };

/** How to read a file: a format, or 'xml' when the root element tells (PSKC or DualShield XML). */
export type ImportReader = ImportFormat | 'xml';

/**
 * The entries of a file, one at a time, whatever its size: OATH CSV through papaparse
 * (quoting off, so each record is one line) and oath-csv.ts's line reader; XML through
 * xml-stream.ts and the per-key readers of PSKC and DualShield XML.
 * Problems with the file as a whole throw ImportFileError.
 */
export async function* readImportEntries(text: AsyncIterable<string>, reader: ImportReader, keys: ImportKeys): AsyncGenerator<ImportEntry> {
  try {
    if (reader === 'oath-csv') {
      const readLine = oathCsvLineReader();
      for await (const record of readCsvRecords(text, { quoting: false })) {
        // without quoting, the fields joined at their commas are the line as the file holds it
        const draft = readLine(record.fields.join(','), record.line);
        if (draft) yield draft;
      }
      return;
    }
    const items = readXmlStream(text, new Set(['tokens']));
    const first = await items.next();
    if (first.done || first.value.kind !== 'root') throw ImportFileError.ofFile('the file holds no XML element');
    const root = first.value.root.name;
    const format = reader === 'xml' ? (root === 'data' ? 'dualshield-xml' : 'pskc') : reader;
    const all = prepend(first.value, items);
    if (format === 'pskc') {
      for await (const reading of readPskcStream(all, keys)) yield 'draft' in reading ? reading.draft : { skipped: reading.skipped };
    } else {
      yield* readDualshieldStream(all);
    }
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new ImportFileError([{ position: null, message: `line ${err.line}: ${err.message}` }]);
    throw err;
  }
}

async function* prepend(first: XmlStreamItem, rest: AsyncIterable<XmlStreamItem>): AsyncGenerator<XmlStreamItem> {
  yield first;
  yield* rest;
}
