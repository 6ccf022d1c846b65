/**
 * Puts CSV text into the one shape papaparse reads without surprises, chunk by chunk:
 * whitespace around fields is dropped outside quotes (papaparse keeps it, and reads
 * `, "john.smith"` as an unquoted field holding quote characters), CR is dropped so
 * CRLF and LF files look alike, and text inside quotes passes unchanged.
 *
 * It also guards memory and reports broken quoting with its line: one record may not
 * exceed `maxRecordLength` characters (an unterminated quote would otherwise make
 * papaparse buffer the rest of the file), and a stray quote fails here, because
 * papaparse's stream mode drops its own quote errors.
 */
export class CsvSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(message);
  }
}

export interface CsvTextCleaner {
  /** The cleaned text of this chunk (state carries over to the next one). */
  push(chunk: string): string;
  /** Call after the last chunk: throws on an unterminated quoted field. */
  end(): string;
}

const enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted, Closed }
const QUOTE = 0x22, COMMA = 0x2c, LF = 0x0a, CR = 0x0d, SPACE = 0x20, TAB = 0x09;

export function createCsvTextCleaner(maxRecordLength = 65_536): CsvTextCleaner {
  let state = State.FieldStart;
  let heldSpace = '';        // whitespace inside an unquoted field: kept only if more text follows
  let line = 1;
  let recordLine = 1;
  let recordLength = 0;

  return {
    push(chunk) {
      let out = '';
      let runStart = 0;       // chunk[runStart, i) is copied unchanged
      const drop = (i: number) => { out += chunk.slice(runStart, i); runStart = i + 1; };
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (++recordLength > maxRecordLength) {
          throw new CsvSyntaxError(recordLine, `the record is longer than ${maxRecordLength} characters (an unterminated quote?)`);
        }
        if (c === LF) line++;
        if (state === State.Quoted) {
          if (c === QUOTE) state = State.QuoteInQuoted;
          continue;
        }
        const space = c === SPACE || c === TAB || c === CR;
        if (c === LF || c === COMMA) {
          if (c === LF) { recordLine = line; recordLength = 0; }
          heldSpace = '';
          state = State.FieldStart;
        } else if (state === State.QuoteInQuoted && c === QUOTE) {
          state = State.Quoted;    // "" inside quotes: an escaped quote
        } else if (space) {
          drop(i);
          if (state === State.Unquoted) heldSpace += chunk[i];
          else if (state === State.QuoteInQuoted) state = State.Closed;
        } else if (state === State.FieldStart && c === QUOTE) {
          state = State.Quoted;
        } else if (state === State.FieldStart || state === State.Unquoted) {
          if (c === QUOTE) throw new CsvSyntaxError(line, `a quote inside an unquoted field (quote the whole field and double inner quotes)`);
          out += heldSpace;
          heldSpace = '';
          state = State.Unquoted;
        } else {
          throw new CsvSyntaxError(line, `a quoted field must be followed by a comma or the end of the line`);
        }
      }
      return out + chunk.slice(runStart);
    },
    end() {
      if (state === State.Quoted) throw new CsvSyntaxError(recordLine, `a quoted field is never closed`);
      return '';
    },
  };
}
