import { readCsvRecords, CsvRecord } from '../../../src/services/batch-assign/csv-records';
import { CsvSyntaxError } from '../../../src/services/batch-assign/csv-text-cleaner';
import { decodeBytes, resolveCharset, sliceText } from '../../../src/services/batch-assign/decode-text';

async function records(text: AsyncIterable<string>): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(text)) out.push(r);
  return out;
}

async function* bytesIn(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function decoded(bytes: Buffer, charset: Parameters<typeof decodeBytes>[1], size = 3): Promise<string> {
  let text = '';
  for await (const t of decodeBytes(bytesIn(bytes, size), charset)) text += t;
  return text;
}

describe('readCsvRecords', () => {
  it('yields fields with the line each record starts on, skipping blank lines', async () => {
    const text = 'domain, loginName\r\n\r\n"test domain", "john.smith"\r\n"multi\nline", x\n  \nlast,one';
    expect(await records(sliceText(text))).toEqual([
      { line: 1, fields: ['domain', 'loginName'] },
      { line: 3, fields: ['test domain', 'john.smith'] },
      { line: 4, fields: ['multi\nline', 'x'] },
      { line: 7, fields: ['last', 'one'] },
    ]);
  });

  it('streams a large text without losing or splitting rows', async () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => `d, "u${i}" ,DN,MT,${i}`);
    const got = await records(sliceText(`h\n${rows.join('\n')}\n`));
    expect(got).toHaveLength(30_001);
    expect(got[30_000]).toEqual({ line: 30_001, fields: ['d', 'u29999', 'DN', 'MT', '29999'] });
  });

  it('fails with the line of broken quoting', async () => {
    const failure = records(sliceText('a,b\nc,"d\n'));
    await expect(failure).rejects.toBeInstanceOf(CsvSyntaxError);
    await expect(failure).rejects.toMatchObject({ line: 2, message: 'a quoted field is never closed' });
  });
});

describe('decodeBytes', () => {
  it('decodes UTF-8 split inside a character and skips the BOM', async () => {
    const bytes = Buffer.from('\ufeffMüller,€\n', 'utf8');
    expect(await decoded(bytes, 'UTF-8', 1)).toBe('Müller,€\n');
  });

  it('decodes ISO-8859-1 and Windows-1252 bytes', async () => {
    expect(await decoded(Buffer.from('Jürgen\n', 'latin1'), 'ISO-8859-1')).toBe('Jürgen\n');
    expect(await decoded(Buffer.from([0x80, 0x20, 0xfc]), 'windows-1252')).toBe('€ ü');
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    const bytes = Buffer.concat([Buffer.from('a\nb\n'), Buffer.from('Jürgen\n', 'latin1')]);
    await expect(decoded(bytes, 'UTF-8', 100)).rejects.toMatchObject({
      line: 3, message: 'the text is not valid UTF-8 (send the charset, e.g. ISO-8859-1 or Windows-1252)',
    });
  });

  it('knows the charset labels, case-insensitively', () => {
    expect([undefined, 'utf-8', 'ISO-8859-1', 'latin1', 'Windows-1252', 'CP1252', 'ebcdic'].map(resolveCharset))
      .toEqual(['UTF-8', 'UTF-8', 'ISO-8859-1', 'ISO-8859-1', 'windows-1252', 'windows-1252', undefined]);
  });
});

describe('readCsvRecords backpressure', () => {
  it('reads the text only a bounded number of chunks ahead of the consumer', async () => {
    let produced = 0;
    async function* lazyText() {
      yield 'a,b\n';
      for (let i = 0; i < 200; i++) { produced++; yield `${'x,y\n'.repeat(1000)}`; }
    }
    let consumed = 0;
    let maxAhead = 0;
    for await (const r of readCsvRecords(lazyText())) {
      if (r.line % 1000 === 2) {
        consumed++;
        maxAhead = Math.max(maxAhead, produced - consumed);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    expect(consumed).toBe(200);
    expect(maxAhead).toBeLessThanOrEqual(20); // Readable.from's 16-chunk buffer and one chunk in the parser
  });
});
