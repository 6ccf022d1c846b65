import Papa from 'papaparse';
import { Readable } from 'node:stream';
import { createCsvTextCleaner, CsvSyntaxError } from './csv-text-cleaner';

/** One CSV record and the line it starts on (the header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Records from CSV text, streamed: Papa.parse on a Node stream in chunk mode, paused
 * after each chunk until its rows are consumed, so at most a chunk or two of text and
 * rows are in memory whatever the file size. (Papa.NODE_STREAM_INPUT, row by row, was
 * measured ~10× slower: it pauses every 16 rows and rebuilds its parser on each resume.)
 * Blank lines are skipped but counted, so line numbers are the ones an editor shows
 * (a quoted field holding a line break counts its lines too).
 */
export async function* readCsvRecords(text: AsyncIterable<string>, opts: { quoting: boolean } = { quoting: true }): AsyncGenerator<CsvRecord> {
  // Without quoting (OATH seed files), every comma splits and every line is one record.
  const source = Readable.from(opts.quoting ? cleaned(text) : boundedLines(text));
  const quoteChar = opts.quoting ? '"' : NO_QUOTE;
  const pending: string[][][] = [];
  let finished = false;
  let failure: { error: unknown } | undefined; // boxed: whatever the parser reports, even a falsy value, ends the read
  let parser: Papa.Parser | undefined;
  let wake = () => {};
  const config: Papa.ParseLocalConfig<string[], Papa.LocalFile> = {
    delimiter: ',', newline: '\n', quoteChar, escapeChar: quoteChar, header: false, skipEmptyLines: false,
    chunk(results, handle) {
      pending.push(results.data);
      parser = handle;
      handle.pause();
      source.pause();
      wake();
    },
    complete() { finished = true; wake(); },
    error(err: unknown) { failure = { error: err }; wake(); },
  };
  Papa.parse(source, config);

  let line = 1;
  try {
    for (;;) {
      const rows = pending.shift();
      if (rows) {
        for (const fields of rows) {
          const start = line;
          line += 1 + fields.reduce((n, f) => n + countLineFeeds(f), 0);
          if (fields.length === 1 && fields[0] === '') continue;
          yield { line: start, fields };
        }
        parser!.resume();
        source.resume();
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      await new Promise<void>((resolve) => { wake = resolve; });
    }
  } finally {
    source.destroy();
  }
}

/** A noncharacter (U+FFFF) that text never holds: papaparse has no switch to turn quoting off. */
const NO_QUOTE = '\uffff';

/** The text through the cleaner; its syntax errors surface as the stream's error. */
async function* cleaned(text: AsyncIterable<string>): AsyncGenerator<string> {
  const cleaner = createCsvTextCleaner();
  for await (const chunk of text) {
    const out = cleaner.push(chunk);
    if (out) yield out;
  }
  cleaner.end();
}

/** Unquoted text (the cleaner does this for quoted CSV): a line may not grow without end in papaparse's buffer. */
async function* boundedLines(text: AsyncIterable<string>, maxLineLength = 65_536): AsyncGenerator<string> {
  let line = 1;
  let length = 0;
  for await (const chunk of text) {
    for (let start = 0; ;) {
      const lf = chunk.indexOf('\n', start);
      length += (lf === -1 ? chunk.length : lf) - start;
      if (length > maxLineLength) throw new CsvSyntaxError(line, `the line is longer than ${maxLineLength} characters`);
      if (lf === -1) break;
      line++;
      length = 0;
      start = lf + 1;
    }
    yield chunk;
  }
}

function countLineFeeds(field: string): number {
  let n = 0;
  for (let i = field.indexOf('\n'); i !== -1; i = field.indexOf('\n', i + 1)) n++;
  return n;
}
