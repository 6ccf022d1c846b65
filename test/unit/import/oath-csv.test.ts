import { detectImportFormat } from '../../../src/domain/import';
import { readImportFile } from '../../support/import-reader';
import { expectRefusal } from './expect-refusal';

const SEED_A = '3132333435363738393031323334353637383930';
const SEED_B = '3132333435363738393031323334353637383930313233343536373839303132';
const importCsv = async (text: string) => (await readImportFile(text, { format: 'oath-csv' })).tokens;

describe('OATH CSV import', () => {
  it('reads HOTP and TOTP lines, with a header, comments, blank lines and spaces after commas', async () => {
    const text = [
      '# exported 2024-05-01', 'Serial,Seed,Type,Digits,Counter/Period,Algorithm', '',
      `HW0001, ${SEED_A}, HOTP, 6, 12`,
      `HW0002,${SEED_B.toUpperCase()},totp,8,60,SHA256`,
      '   ', `HW0003, ${SEED_A}, Totp, 6, 30, sha512`,
    ].join('\r\n');
    const result = await readImportFile(text, {});
    expect(result.format).toBe('oath-csv');
    expect(result.tokens).toEqual([
      { position: 4, serial: 'HW0001', secret: Buffer.from(SEED_A, 'hex'), type: 'HOTP', algorithm: 'SHA1', digits: 6, counter: 12n, period: 0 },
      { position: 5, serial: 'HW0002', secret: Buffer.from(SEED_B, 'hex'), type: 'TOTP', algorithm: 'SHA256', digits: 8, counter: 0n, period: 60 },
      { position: 7, serial: 'HW0003', secret: Buffer.from(SEED_A, 'hex'), type: 'TOTP', algorithm: 'SHA512', digits: 6, counter: 0n, period: 30 },
    ]);
  });

  it('accepts a file without a header and a trailing newline', async () => {
    expect(await importCsv(`A1,${SEED_A},HOTP,6,0\n`)).toHaveLength(1);
  });

  it('lists every bad line with its line number and serial, never the seed', async () => {
    const text = [
      'serial,seed,type,digits,counter',
      `OK1,${SEED_A},HOTP,6,0`,
      `BAD1,${SEED_A}Z,HOTP,6,0`,
      `BAD2,${SEED_A},OCRA,6,0`,
      `BAD3,${SEED_A},HOTP,six,0`,
      `BAD4,${SEED_A},TOTP,6,-30`,
      `BAD5,${SEED_A},HOTP,6,0,MD5`,
      `BAD6,${SEED_A},HOTP,6,0,SHA1,extra`,
      `BAD7,${SEED_A},TOTP,6,0`,
      `BAD8,${SEED_A},HOTP,4,0`,
      `,${SEED_A},HOTP,6,0`,
      `BAD9,,HOTP,6,0`,
    ].join('\n');
    const error = await expectRefusal(() => importCsv(text));
    expect(error.reasons).toEqual([
      { position: 3, serial: 'BAD1', message: 'the seed (2nd field) is not an even number of hexadecimal digits' },
      { position: 4, serial: 'BAD2', message: 'the type (3rd field) must be HOTP or TOTP' },
      { position: 5, serial: 'BAD3', message: 'the digits (4th field) must be a whole number' },
      { position: 6, serial: 'BAD4', message: 'the period (5th field) must be a whole number' },
      { position: 7, serial: 'BAD5', message: 'the hash (6th field) must be SHA1, SHA256 or SHA512' },
      { position: 8, serial: 'BAD6', message: 'expected 2 to 6 comma-separated fields (serial, key[, type[, digits[, counter|period[, hash]]]]), found 7' },
      { position: 9, serial: 'BAD7', message: 'the TOTP period must be a whole number of seconds > 0' },
      { position: 10, serial: 'BAD8', message: '4 digits is not supported (6 to 10)' },
      { position: 11, message: 'no serial number' },
      { position: 12, serial: 'BAD9', message: 'the seed (2nd field) is empty' },
    ]);
    expect(JSON.stringify(error.reasons) + error.message).not.toContain(SEED_A);
  });

  it('refuses duplicate serials, naming the line of the first', async () => {
    const error = await expectRefusal(() => importCsv([`X1,${SEED_A},HOTP,6,0`, `X2,${SEED_A},HOTP,6,0`, `X1,${SEED_B},TOTP,6,30`].join('\n')));
    expect(error.reasons).toEqual([{ position: 3, serial: 'X1', message: 'serial X1 is already used by entry 1 of this file' }]);
  });

  it('refuses a file with no token lines', async () => {
    expect((await expectRefusal(() => importCsv('serial,seed,type,digits,counter\n# nothing\n'))).reasons)
      .toEqual([{ position: null, message: 'the file holds no tokens' }]);
  });

  it('parses 100,000 lines, every one in place (its speed: bench/import.mjs)', async () => {
    const lines = ['serial,seed,type,digits,counter|period'];
    for (let i = 0; i < 100_000; i++) lines.push(`SN${String(i).padStart(7, '0')}, ${SEED_A}, ${i % 2 ? 'TOTP' : 'HOTP'}, 6, ${i % 2 ? 30 : i}`);
    const { tokens } = await readImportFile(lines.join('\n'), {});
    expect(tokens).toHaveLength(100_000);
    expect(tokens[50_000]).toMatchObject({ position: 50_002, serial: 'SN0050000', type: 'HOTP', counter: 50_000n });
    expect(tokens[99_999]).toMatchObject({ position: 100_001, serial: 'SN0099999', type: 'TOTP', period: 30 });
  });
});

describe('detectImportFormat for CSV', () => {
  it('recognises a first data line with at least 4 fields, after comments and blank lines', () => {
    expect(detectImportFormat(`# tokens\n\nA1,${SEED_A},HOTP,6\n`)).toBe('oath-csv');
    expect(detectImportFormat(`serial,seed,type,digits,counter\n`)).toBe('oath-csv');
  });

  it('does not recognise text with fewer fields', () => {
    expect(detectImportFormat('serial,seed\nA,B\n')).toBe(null);
    expect(detectImportFormat('')).toBe(null);
    expect(detectImportFormat('just some text')).toBe(null);
  });
});
