import { CsvSyntaxError } from './csv-text-cleaner';

/** The charsets a batch file may come in (SPEC: UTF-8, ISO-8859-1, Windows-1252). */
export type CsvCharset = 'UTF-8' | 'ISO-8859-1' | 'windows-1252';

const LABELS: Record<string, CsvCharset> = {
  'utf-8': 'UTF-8', utf8: 'UTF-8',
  'iso-8859-1': 'ISO-8859-1', iso8859_1: 'ISO-8859-1', 'iso_8859-1': 'ISO-8859-1', latin1: 'ISO-8859-1', 'l1': 'ISO-8859-1',
  'windows-1252': 'windows-1252', cp1252: 'windows-1252', 'x-cp1252': 'windows-1252',
};

/** The charset a label names (case-insensitive), UTF-8 when there is none, undefined when unknown. */
export function resolveCharset(label: string | undefined): CsvCharset | undefined {
  return label === undefined || label === '' ? 'UTF-8' : LABELS[label.toLowerCase()];
}

const SLICE = 64 * 1024;

/** Text given as a string (the JSON form): already Unicode; cut into slices so parsing streams too. */
export async function* sliceText(text: string): AsyncGenerator<string> {
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let i = start; i < text.length; i += SLICE) yield text.slice(i, i + SLICE);
}

/**
 * Bytes → text in the given charset, chunk by chunk (a UTF-8 sequence split between
 * chunks is completed by the next one). A UTF-8 BOM is skipped. Bytes that are not
 * UTF-8 fail with the line they are near, because a Latin-1 file sent without its
 * charset would otherwise import names full of U+FFFD.
 */
export async function* decodeBytes(source: AsyncIterable<Buffer | string>, charset: CsvCharset): AsyncGenerator<string> {
  if (charset === 'ISO-8859-1') {
    // Every byte is the code point of the same value; Node's decoder does exactly that.
    for await (const chunk of source) yield typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    return;
  }
  const decoder = new TextDecoder(charset, { fatal: true });
  let lines = 1;
  for await (const chunk of source) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      throw notUtf8(lines, bytes);
    }
    lines += countLineFeeds(text);
    yield text;
  }
  try {
    const tail = decoder.decode();
    if (tail) yield tail;
  } catch {
    throw new CsvSyntaxError(lines, `the file ends inside a UTF-8 character`);
  }
}

function notUtf8(linesBefore: number, chunk: Buffer): CsvSyntaxError {
  const lossy = new TextDecoder('utf-8').decode(chunk);
  const line = linesBefore + countLineFeeds(lossy.slice(0, Math.max(0, lossy.indexOf('\ufffd'))));
  return new CsvSyntaxError(line, `the text is not valid UTF-8 (send the charset, e.g. ISO-8859-1 or Windows-1252)`);
}

function countLineFeeds(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
