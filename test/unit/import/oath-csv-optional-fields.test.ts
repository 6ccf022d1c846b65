/**
 * OATH CSV as privacyIDEA and LinOTP write it: every optional-field form, each token
 * checked by the codes it then generates against the RFCs' own test vectors.
 */
import type { ImportedToken } from '../../../src/domain/import/imported-token';
import { generateHotp, generateTotp } from '../../../src/domain/otp';
import { readImportFile } from '../../support/import-reader';

// RFC 4226 Appendix D and RFC 6238 Appendix B keys ("1234567890" repeated to 20, 32 and 64 bytes)
const KEY_20 = Buffer.from('12345678901234567890').toString('hex');
const KEY_32 = Buffer.from('12345678901234567890123456789012').toString('hex');
const KEY_64 = Buffer.from('1234567890123456789012345678901234567890123456789012345678901234').toString('hex');
const RFC4226_CODES = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

async function importOne(line: string): Promise<ImportedToken> {
  const { format, tokens } = await readImportFile(`${line}\n`, {});
  expect(format).toBe('oath-csv');
  expect(tokens).toHaveLength(1);
  return tokens[0];
}
const hotpCodes = (token: ImportedToken, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => generateHotp(token.secret, token.counter + BigInt(from + i), token));
const totpAt = (token: ImportedToken, time: number) => generateTotp(token.secret, time, token);

describe('OATH CSV optional fields (privacyIDEA / LinOTP)', () => {
  it('serial and key alone: HOTP, 6 digits, counter 0, SHA1 (RFC 4226 Appendix D)', async () => {
    const token = await importOne(`PI0001,${KEY_20}`);
    expect(token).toMatchObject({ serial: 'PI0001', type: 'HOTP', digits: 6, counter: 0n, algorithm: 'SHA1' });
    expect(hotpCodes(token, 0, 10)).toEqual(RFC4226_CODES);
  });

  it('with the type: hotp, and totp with the 30-second default period (RFC 6238 Appendix B)', async () => {
    expect(hotpCodes(await importOne(`PI0002, ${KEY_20}, hotp`), 0, 3)).toEqual(RFC4226_CODES.slice(0, 3));
    const totp = await importOne(`PI0003 , ${KEY_20} , TOTP`);
    expect(totp).toMatchObject({ type: 'TOTP', digits: 6, period: 30, algorithm: 'SHA1' });
    expect(totpAt(totp, 59)).toBe('287082'); // RFC 6238: 94287082 at T=59, last 6 digits
    expect(totpAt(totp, 1111111109)).toBe('081804'); // 07081804
  });

  it('with the digits: 8-digit TOTP, the hash chosen by key length (RFC 6238 Appendix B, all three hashes)', async () => {
    const sha1 = await importOne(`PI0004,${KEY_20},totp,8`);
    const sha256 = await importOne(`PI0005,${KEY_32},totp,8`);
    const sha512 = await importOne(`PI0006,${KEY_64},totp,8`);
    expect([sha1.algorithm, sha256.algorithm, sha512.algorithm]).toEqual(['SHA1', 'SHA256', 'SHA512']);
    expect([59, 1111111109, 1234567890, 2000000000].map((t) => totpAt(sha1, t))).toEqual(['94287082', '07081804', '89005924', '69279037']);
    expect([59, 1111111109, 1234567890, 2000000000].map((t) => totpAt(sha256, t))).toEqual(['46119246', '68084774', '91819424', '90698825']);
    expect([59, 1111111109, 1234567890, 2000000000].map((t) => totpAt(sha512, t))).toEqual(['90693936', '25091201', '93441116', '38618901']);
  });

  it('with the fifth field: the HOTP start counter, and the TOTP period', async () => {
    const hotp = await importOne(`PI0007,${KEY_20},hotp,6,5`);
    expect(hotp.counter).toBe(5n);
    expect(hotpCodes(hotp, 0, 5)).toEqual(RFC4226_CODES.slice(5));
    const totp60 = await importOne(`PI0008,${KEY_20},totp,8,60`);
    expect(totp60.period).toBe(60);
    // step 1 of a 60-second token is second 60–119: the same HMAC input as RFC 6238's T=59 with 30 s
    expect(totpAt(totp60, 119)).toBe('94287082');
  });

  it('with the hash named: it wins over the key length', async () => {
    expect((await importOne(`PI0009,${KEY_32},totp,8,30,sha256`)).algorithm).toBe('SHA256');
    expect((await importOne(`PI0010,${KEY_64},totp,8,30,SHA512`)).algorithm).toBe('SHA512');
    const named = await importOne(`PI0011,${KEY_20},totp,8,30,sha1`);
    expect(totpAt(named, 59)).toBe('94287082');
  });

  it('empty optional fields take their defaults', async () => {
    expect(await importOne(`PI0012,${KEY_20},,,`)).toMatchObject({ type: 'HOTP', digits: 6, counter: 0n, algorithm: 'SHA1' });
  });

  it('skips comments, blank lines and the header, and numbers entries by their line', async () => {
    const text = ['# privacyIDEA export', '', 'serial, key, type', `A1,${KEY_20}`, '   ', '# more', `A2,${KEY_32},totp`].join('\r\n');
    const { tokens } = await readImportFile(text, { format: 'oath-csv' });
    expect(tokens.map((t) => [t.position, t.serial, t.type, t.algorithm])).toEqual([[4, 'A1', 'HOTP', 'SHA1'], [7, 'A2', 'TOTP', 'SHA256']]);
  });

  it('is detected from a two-field first line', async () => {
    expect((await readImportFile(`X1,${KEY_20}\n`, {})).format).toBe('oath-csv');
  });
});
