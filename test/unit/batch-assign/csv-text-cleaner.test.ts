import { createCsvTextCleaner, CsvSyntaxError } from '../../../src/services/batch-assign/csv-text-cleaner';

/** Cleans `text` fed in pieces cut at `cuts`, as a stream delivers it. */
function clean(text: string, cuts: number[] = []): string {
  const cleaner = createCsvTextCleaner();
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += cleaner.push(text.slice(from, cut));
    from = cut;
  }
  return out + cleaner.end();
}

function syntaxError(text: string, maxRecordLength?: number): CsvSyntaxError {
  const cleaner = createCsvTextCleaner(maxRecordLength);
  try {
    cleaner.push(text);
    cleaner.end();
  } catch (err) {
    if (err instanceof CsvSyntaxError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('createCsvTextCleaner', () => {
  const dualShield = '"test domain", "john.smith", "DN", "MT", "10000", "ACTIVE", "1234"\r\n';

  it('drops the spaces after commas of the DualShield example and its CR', () => {
    expect(clean(dualShield)).toBe('"test domain","john.smith","DN","MT","10000","ACTIVE","1234"\n');
  });

  it('trims unquoted fields but keeps inner spaces', () => {
    expect(clean('  a b  ,\tc ,d\n')).toBe('a b,c,d\n');
  });

  it('keeps whitespace, commas, CRLF and doubled quotes inside quotes', () => {
    expect(clean('" a, ""b"" ",  "x\r\ny"  \n')).toBe('" a, ""b"" ","x\r\ny"\n');
  });

  it('keeps blank lines so line numbers stay right', () => {
    expect(clean('a\n \n\nb\n')).toBe('a\n\n\nb\n');
  });

  it('gives the same text whatever the chunk boundaries', () => {
    const text = `h1,h2\n${dualShield} x  y ,"q""q" \n"a\nb",  c  \r\n`;
    const whole = clean(text);
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 7) expect(clean(text, [i, j])).toBe(whole);
    }
  });

  it.each([
    ['a quote inside an unquoted field', 'ab,c"d\n', 1, 'a quote inside an unquoted field'],
    ['text after a closing quote', 'a\n"b"c,d\n', 2, 'must be followed by a comma'],
    ['text after a closing quote and a space', '"b" c\n', 1, 'must be followed by a comma'],
    ['a quote never closed', 'a\nb\n"c,d\ne\n', 3, 'never closed'],
  ])('when %s then a syntax error on its line', (_what, text, line, message) => {
    const err = syntaxError(text);
    expect(err.line).toBe(line);
    expect(err.message).toContain(message);
  });

  it('refuses a record longer than the limit, so memory stays bounded', () => {
    expect(syntaxError(`ok\n"${'x'.repeat(200)}`, 100)).toMatchObject({ line: 2, message: 'the record is longer than 100 characters (an unterminated quote?)' });
    expect(clean(`${'x'.repeat(99)}\n${'y'.repeat(99)}\n`)).toHaveLength(200);
  });
});
