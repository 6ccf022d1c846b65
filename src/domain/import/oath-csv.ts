/**
 * OATH CSV seed files as privacyIDEA and LinOTP write them, one token a line:
 *   serial, key[, type[, digits[, counter|period[, hash]]]]
 * Only serial and key (hex) are required. type is hotp (default) or totp, any case;
 * digits defaults to 6; the fifth field is the start counter for HOTP (default 0) and
 * the period in seconds for TOTP (default 30); hash is sha1, sha256 or sha512, by
 * default chosen from the key length (20 bytes SHA1, 32 SHA256, 64 SHA512, as
 * RFC 6238's reference keys are sized), else SHA1.
 * Blank lines and lines starting with # are skipped, as is a header line whose first
 * field is "serial"; spaces around fields are ignored. Fields hold no quotes or commas,
 * so a plain split is exact — and fast. A token's position is its line number.
 * Error messages never repeat a field's value: with columns in the wrong order the
 * seed could be what sits in the "type" column.
 */
import { parseHotpCounter, type OtpAlgorithm } from '../otp';
import { isHex } from './seed-encodings';
import { DEFAULT_PERIOD, parseOtpAlgorithmName, parseWholeNumber, type TokenDraft } from './token-checks';

const FIELD_LIST = 'serial, key[, type[, digits[, counter|period[, hash]]]]';
const DEFAULT_DIGITS = 6;

/**
 * A reader of one line at a time (import-entries.ts feeds it papaparse's records): it
 * answers null for a line that holds no token (blank, comment, the header) and
 * remembers whether data has begun, since only the first such line may be a header.
 */
export function oathCsvLineReader(): (line: string, lineNumber: number) => TokenDraft | null {
  let seenData = false;
  return (line, lineNumber) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return null;
    const fields = trimmed.split(',');
    for (let i = 0; i < fields.length; i++) fields[i] = fields[i].trim();
    const isHeader = !seenData && fields[0].toLowerCase() === 'serial';
    seenData = true;
    return isHeader ? null : readCsvLine(fields, lineNumber);
  };
}

/** Whether the first line that is not blank or a comment looks like this format: a serial and a hex key at least. */
export function looksLikeOathCsv(text: string): boolean {
  let sawHeader = false;
  for (const line of splitLines(text.slice(0, 10_000))) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(',').map((field) => field.trim());
    if (fields.length < 2 || fields.length > 6) return false;
    if (!sawHeader && fields[0].toLowerCase() === 'serial') { sawHeader = true; continue; }
    return fields[0] !== '' && isHex(fields[1]);
  }
  return sawHeader;
}

function readCsvLine(fields: string[], lineNumber: number): TokenDraft {
  const serial = fields[0] || undefined;
  if (fields.length < 2 || fields.length > 6) {
    return { position: lineNumber, serial, problems: [`expected 2 to 6 comma-separated fields (${FIELD_LIST}), found ${fields.length}`] };
  }
  const [, seedHex, typeText = '', digitsText = '', fifthText = '', hashText = ''] = fields;
  const problems: string[] = [];
  if (seedHex === '') problems.push('the seed (2nd field) is empty');
  else if (!isHex(seedHex)) problems.push('the seed (2nd field) is not an even number of hexadecimal digits');
  const type = typeText === '' ? 'HOTP' : typeText.toUpperCase();
  if (type !== 'HOTP' && type !== 'TOTP') problems.push('the type (3rd field) must be HOTP or TOTP');
  const digits = digitsText === '' ? DEFAULT_DIGITS : parseWholeNumber(digitsText);
  if (digits === null) problems.push('the digits (4th field) must be a whole number');
  const isTotp = type === 'TOTP';
  // the counter is 64-bit: parsed as a bigint so no digit of a 20-digit counter is lost
  const fifth = fifthText === '' ? (isTotp ? DEFAULT_PERIOD : 0n) : isTotp ? parseWholeNumber(fifthText) : parseHotpCounter(fifthText);
  if (fifth === null) {
    problems.push(isTotp ? 'the period (5th field) must be a whole number' : 'the counter (5th field) must be a whole number below 2^64');
  }
  const secret = problems.length === 0 ? Buffer.from(seedHex, 'hex') : undefined;
  const algorithm = hashText === '' ? algorithmForKeyLength(secret?.length ?? 0) : parseOtpAlgorithmName(hashText);
  if (algorithm === null) problems.push('the hash (6th field) must be SHA1, SHA256 or SHA512');
  if (problems.length > 0 || !secret || digits === null || fifth === null || algorithm === null) {
    return { position: lineNumber, serial, problems };
  }
  return {
    position: lineNumber,
    serial,
    problems,
    token: {
      position: lineNumber,
      serial: fields[0],
      secret,
      type: isTotp ? 'TOTP' : 'HOTP',
      algorithm,
      digits,
      counter: isTotp ? 0n : BigInt(fifth),
      period: isTotp ? Number(fifth) : 0,
    },
  };
}

/** privacyIDEA's rule when the hash column is absent: the key's length names the HMAC it was made for. */
function algorithmForKeyLength(bytes: number): OtpAlgorithm {
  if (bytes === 32) return 'SHA256';
  if (bytes === 64) return 'SHA512';
  return 'SHA1';
}

/** CRLF and LF files split on \n (trim drops the \r); old Mac files on \r alone. */
function splitLines(text: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  return body.split(body.includes('\n') ? '\n' : '\r');
}
