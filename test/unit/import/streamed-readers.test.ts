/**
 * The streamed readers (xml-stream.ts + pskc-stream.ts / readDualshieldStream, papaparse +
 * readOathCsvFields) must read every file as the whole-document parsers do: the same
 * tokens, or the same bad entries. Checked over the whole PSKC corpus and a few
 * DualShield XML and OATH CSV files.
 */
import { ImportFileError, parseImportFile, type ImportedToken, type ImportFormat } from '../../../src/domain/import';
import { assembleTokens, type TokenDraft } from '../../../src/domain/import/token-checks';
import { sliceText } from '../../../src/services/batch-assign/decode-text';
import { readImportEntries } from '../../../src/services/token-import/import-entries';
import { corpusFile, corpusFiles, RFC_PSK } from './pskc-corpus';

type Outcome = { tokens: ImportedToken[] } | { entryProblems: unknown[] } | { fileProblem: true };
const keys = { psk: RFC_PSK, passphrase: 'qwerty' };

function outcomeOf(read: () => ImportedToken[]): Outcome {
  try {
    return { tokens: read() };
  } catch (err) {
    if (!(err instanceof ImportFileError)) throw err;
    // a file-level refusal may be worded by either XML parser; which entries are bad may not differ
    return err.reasons.every((r) => r.position === null) ? { fileProblem: true } : { entryProblems: err.reasons };
  }
}

async function streamed(text: string, format: ImportFormat): Promise<Outcome> {
  try {
    const drafts: TokenDraft[] = [];
    for await (const entry of readImportEntries(sliceText(text), format === 'oath-csv' ? 'oath-csv' : 'xml', keys)) {
      if (!('skipped' in entry)) drafts.push(entry);
    }
    if (drafts.length === 0) throw ImportFileError.ofFile('no tokens');
    return outcomeOf(() => assembleTokens(drafts));
  } catch (err) {
    return outcomeOf(() => { throw err; });
  }
}

const pskcFiles = ['rfc6030', 'encryption', 'feitian', 'invalid', 'misc', 'multiotp', 'nagraid', 'actividentity'].flatMap(corpusFiles);

const tally = { tokens: 0, entryProblems: 0, fileProblem: 0 };

describe('streamed import readers', () => {
  it.each(pskcFiles)('read %s as the whole-document PSKC parser does', async (file) => {
    const text = corpusFile(file);
    const whole = outcomeOf(() => parseImportFile(text, { format: 'pskc', ...keys }).tokens);
    expect(await streamed(text, 'pskc')).toEqual(whole);
    tally[Object.keys(whole)[0] as keyof typeof tally]++;
  });

  it('compared files of every kind: imported, refused for bad entries, refused whole', () => {
    expect(tally.tokens).toBeGreaterThanOrEqual(15);
    expect(tally.entryProblems).toBeGreaterThanOrEqual(3);
    expect(tally.fileProblem).toBeGreaterThanOrEqual(3);
  });

  it.each([
    ['a header before the tokens', '<data><header><type>TOTP</type><digits>8</digits></header><tokens><token><serial>A</serial><seed>3132</seed></token><token><serial>B</serial><seed>zz</seed></token></tokens></data>'],
    ['namespaced elements and CDATA', '<ds:data xmlns:ds="urn:x"><ds:tokens><ds:token><ds:serial>A</ds:serial><ds:seed><![CDATA[31323334]]></ds:seed></ds:token></ds:tokens></ds:data>'],
    ['a serial used twice', '<data><tokens><token><serial>A</serial><seed>3132</seed></token><token><serial>A</serial><seed>3334</seed></token></tokens></data>'],
  ])('read DualShield XML with %s as the whole-document parser does', async (_what, text) => {
    const whole = outcomeOf(() => parseImportFile(text, { format: 'dualshield-xml' }).tokens);
    expect(await streamed(text, 'dualshield-xml')).toEqual(whole);
  });

  it.each([
    ['comments, a header and CRLF', '# vendor export\r\nserial,seed,type,digits,counter\r\nA,3132333435363738393031323334353637383930,HOTP,6,5\r\n\r\nB,3132,TOTP,8,60,SHA256\r\n'],
    ['bad lines', 'A,31,HOTP,6,0\nB,3g,HOTP,6,0\nC,31,XOTP,6\n,31,HOTP,6,0\nA,32,HOTP,6,0\n'],
  ])('read OATH CSV with %s as the whole-file parser does', async (_what, text) => {
    const whole = outcomeOf(() => parseImportFile(text, { format: 'oath-csv' }).tokens);
    expect(await streamed(text, 'oath-csv')).toEqual(whole);
  });

  it.each([
    ['an OATH CSV line', 'oath-csv' as const, `A,${'31'.repeat(40_000)},HOTP,6,0\n`, /line 1: the line is longer than 65536 characters/],
    ['an XML element', 'dualshield-xml' as const, `<data><tokens><token><serial>A</serial><seed>${'31'.repeat(600_000)}</seed></token></tokens></data>`, /larger than 1000000 characters/],
  ])('refuses %s too large to hold, whatever the file size', async (_what, format, text, message) => {
    const error = await (async () => {
      try {
        for await (const _entry of readImportEntries(sliceText(text), format === 'oath-csv' ? 'oath-csv' : 'xml', {})) { /* read */ }
      } catch (err) {
        return err as ImportFileError;
      }
      throw new Error('not refused');
    })();
    expect(error).toBeInstanceOf(ImportFileError);
    expect(error.reasons).toEqual([{ position: null, message: expect.stringMatching(message) }]);
  });

  it('refuses a DOCTYPE, as the whole-document parser does', async () => {
    const text = '<!DOCTYPE data [<!ENTITY a "b">]><data><tokens><token><serial>A</serial><seed>3132</seed></token></tokens></data>';
    expect(await streamed(text, 'dualshield-xml')).toEqual({ fileProblem: true });
  });
});
