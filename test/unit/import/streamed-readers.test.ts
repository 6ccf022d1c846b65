/**
 * Edge cases of the streamed readers (xml-stream.ts + readDualshieldStream, papaparse +
 * oathCsvLineReader) that the per-format tests do not reach: namespaces and CDATA, a
 * header before the tokens, CRLF files, repeated serials, elements or lines too large to
 * hold, a DOCTYPE before the root. Expected values follow the formats as documented in
 * dualshield-xml.ts and oath-csv.ts.
 */
import { ImportFileError } from '../../../src/domain/import';
import { readImportFile } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';

const ASCII_20 = Buffer.from('12345678901234567890');

describe('streamed import readers: DualShield XML', () => {
  it('applies a header that comes before the tokens, and lists the bad token after it', async () => {
    const text = '<data><header><type>TOTP</type><digits>8</digits></header><tokens><token><serial>A</serial><seed>3132</seed></token><token><serial>B</serial><seed>zz</seed></token></tokens></data>';
    expect((await expectRefusal(() => readImportFile(text, { format: 'dualshield-xml' }))).reasons).toEqual([
      { position: 2, serial: 'B', message: '<seed> is not an even number of hexadecimal digits (encoding hex)' },
    ]);
    expect((await readImportFile(text.replace(/<token><serial>B<.*?<\/token>/, ''), { format: 'dualshield-xml' })).tokens).toEqual([
      { position: 1, serial: 'A', secret: Buffer.from('12'), type: 'TOTP', algorithm: 'SHA1', digits: 8, counter: 0n, period: 30 },
    ]);
  });

  it('reads namespaced elements and CDATA', async () => {
    const text = '<ds:data xmlns:ds="urn:x"><ds:tokens><ds:token><ds:serial>A</ds:serial><ds:seed><![CDATA[31323334]]></ds:seed></ds:token></ds:tokens></ds:data>';
    expect((await readImportFile(text, { format: 'dualshield-xml' })).tokens).toEqual([
      { position: 1, serial: 'A', secret: Buffer.from('1234'), type: 'HOTP', algorithm: 'SHA1', digits: 6, counter: 0n, period: 0 },
    ]);
  });

  it('refuses a serial used twice, naming the first token', async () => {
    const text = '<data><tokens><token><serial>A</serial><seed>3132</seed></token><token><serial>A</serial><seed>3334</seed></token></tokens></data>';
    expect((await expectRefusal(() => readImportFile(text, { format: 'dualshield-xml' }))).reasons).toEqual([
      { position: 2, serial: 'A', message: 'serial A is already used by entry 1 of this file' },
    ]);
  });

  it('refuses a DOCTYPE before the root', async () => {
    const text = '<!DOCTYPE data [<!ENTITY a "b">]><data><tokens><token><serial>A</serial><seed>3132</seed></token></tokens></data>';
    expect((await expectRefusal(() => readImportFile(text, { format: 'dualshield-xml' }))).reasons)
      .toEqual([{ position: null, message: expect.stringMatching(/DOCTYPE/) }]);
  });
});

describe('streamed import readers: OATH CSV', () => {
  it('reads comments, a header, a blank line and CRLF line ends, numbering tokens by line', async () => {
    const text = '# vendor export\r\nserial,seed,type,digits,counter\r\nA,3132333435363738393031323334353637383930,HOTP,6,5\r\n\r\nB,3132,TOTP,8,60,SHA256\r\n';
    expect((await readImportFile(text, { format: 'oath-csv' })).tokens).toEqual([
      { position: 3, serial: 'A', secret: ASCII_20, type: 'HOTP', algorithm: 'SHA1', digits: 6, counter: 5n, period: 0 },
      { position: 5, serial: 'B', secret: Buffer.from('12'), type: 'TOTP', algorithm: 'SHA256', digits: 8, counter: 0n, period: 60 },
    ]);
  });

  it('lists bad lines, a missing serial and a repeated one by line', async () => {
    const text = 'A,31,HOTP,6,0\nB,3g,HOTP,6,0\nC,31,XOTP,6\n,31,HOTP,6,0\nA,32,HOTP,6,0\n';
    expect((await expectRefusal(() => readImportFile(text, { format: 'oath-csv' }))).reasons).toEqual([
      { position: 2, serial: 'B', message: 'the seed (2nd field) is not an even number of hexadecimal digits' },
      { position: 3, serial: 'C', message: 'the type (3rd field) must be HOTP or TOTP' },
      { position: 4, message: 'no serial number' },
      { position: 5, serial: 'A', message: 'serial A is already used by entry 1 of this file' },
    ]);
  });
});

describe('streamed import readers: bounded memory', () => {
  it.each([
    ['an OATH CSV line', 'oath-csv' as const, `A,${'31'.repeat(40_000)},HOTP,6,0\n`, /line 1: the line is longer than 65536 characters/],
    ['an XML element', 'dualshield-xml' as const, `<data><tokens><token><serial>A</serial><seed>${'31'.repeat(600_000)}</seed></token></tokens></data>`, /larger than 1000000 characters/],
  ])('refuses %s too large to hold, whatever the file size', async (_what, format, text, message) => {
    const error = await expectRefusal(() => readImportFile(text, { format }));
    expect(error).toBeInstanceOf(ImportFileError);
    expect(error.reasons).toEqual([{ position: null, message: expect.stringMatching(message) }]);
  });
});
