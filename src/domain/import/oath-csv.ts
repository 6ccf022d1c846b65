/**
 * OATH CSV seed files, one token a line:
 *   serial, seed hex, type, digits, counter|period[, algorithm]
 * type is HOTP or TOTP (any case); the fifth field is the counter for HOTP and the
 * period in seconds for TOTP; algorithm is SHA1 (default), SHA256 or SHA512.
 * Blank lines and lines starting with # are ignored, as is a header line whose first
 * field is "serial". Fields hold no quotes or commas, so a plain split is exact — and
 * fast: 100,000 lines parse in well under a second. A token's position is its line number.
 * Error messages never repeat a field's value: with columns in the wrong order the
 * seed could be what sits in the "type" column.
 */
import { parseHotpCounter } from '../otp';
import { isHex } from './seed-encodings';
import { assembleTokens, parseOtpAlgorithmName, parseWholeNumber, type TokenDraft } from './token-checks';
import type { ImportedToken } from './imported-token';

const FIELD_LIST = 'serial, seed hex, type, digits, counter|period[, algorithm]';

export function parseOathCsv(text: string): ImportedToken[] {
  const lines = splitLines(text);
  const drafts: TokenDraft[] = [];
  let seenData = false;
  for (let index = 0; index < lines.length; index++) {
    const trimmed = lines[index].trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const fields = trimmed.split(',');
    for (let i = 0; i < fields.length; i++) fields[i] = fields[i].trim();
    const isHeader = !seenData && fields[0].toLowerCase() === 'serial';
    seenData = true;
    if (!isHeader) drafts.push(readCsvLine(fields, index + 1));
  }
  return assembleTokens(drafts);
}

/** Whether the first line that is not blank or a comment looks like this format. */
export function looksLikeOathCsv(text: string): boolean {
  for (const line of splitLines(text.slice(0, 10_000))) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    return trimmed.split(',').length >= 4;
  }
  return false;
}

function readCsvLine(fields: string[], lineNumber: number): TokenDraft {
  const serial = fields[0] || undefined;
  if (fields.length < 5 || fields.length > 6) {
    return { position: lineNumber, serial, problems: [`expected 5 or 6 comma-separated fields (${FIELD_LIST}), found ${fields.length}`] };
  }
  const [, seedHex, typeText, digitsText, fifthText, algorithmText = ''] = fields;
  const problems: string[] = [];
  if (seedHex === '') problems.push('the seed (2nd field) is empty');
  else if (!isHex(seedHex)) problems.push('the seed (2nd field) is not an even number of hexadecimal digits');
  const type = typeText.toUpperCase();
  if (type !== 'HOTP' && type !== 'TOTP') problems.push('the type (3rd field) must be HOTP or TOTP');
  const digits = parseWholeNumber(digitsText);
  if (digits === null) problems.push('the digits (4th field) must be a whole number');
  const isTotp = type === 'TOTP';
  // the counter is 64-bit: parsed as a bigint so no digit of a 20-digit counter is lost
  const fifth = isTotp ? parseWholeNumber(fifthText) : parseHotpCounter(fifthText);
  if (fifth === null) {
    problems.push(isTotp ? 'the period (5th field) must be a whole number' : 'the counter (5th field) must be a whole number below 2^64');
  }
  const algorithm = algorithmText === '' ? 'SHA1' : parseOtpAlgorithmName(algorithmText);
  if (algorithm === null) problems.push('the algorithm (6th field) must be SHA1, SHA256 or SHA512');
  if (problems.length > 0 || digits === null || fifth === null || algorithm === null) {
    return { position: lineNumber, serial, problems };
  }
  return {
    position: lineNumber,
    serial,
    problems,
    token: {
      position: lineNumber,
      serial: fields[0],
      secret: Buffer.from(seedHex, 'hex'),
      type: isTotp ? 'TOTP' : 'HOTP',
      algorithm,
      digits,
      counter: isTotp ? 0n : BigInt(fifth),
      period: isTotp ? Number(fifth) : 0,
    },
  };
}

/** CRLF and LF files split on \n (trim drops the \r); old Mac files on \r alone. */
function splitLines(text: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  return body.split(body.includes('\n') ? '\n' : '\r');
}
