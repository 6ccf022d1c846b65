/**
 * The rules every imported token must meet, whatever file it came from. The rules
 * that need every entry of the file (a serial used twice) are SQL over the staged
 * entries: services/token-import/import-checks.ts.
 */
import { isOtpAlgorithm, MAX_OTP_DIGITS, MAX_STORED_HOTP_COUNTER, type OtpAlgorithm } from '../otp';
import type { ImportedToken } from './imported-token';

export const MIN_DIGITS = 6; // RFC 4226 §5.3: at least 6 digits
export const MAX_SERIAL_LENGTH = 64;
export const MAX_SECRET_BYTES = 128;
export const DEFAULT_PERIOD = 30;

/**
 * One entry as read from a file: what was wrong with it, or the token it makes
 * (whose serial and position the reader has already set, trimmed).
 */
export interface TokenDraft {
  position: number;
  serial?: string;
  problems: string[];
  token?: ImportedToken;
}

/**
 * What is wrong with one entry on its own: the reader's problems, or the token's and
 * serial's.
 */
export function draftProblems(draft: TokenDraft): string[] {
  // the common case, a good entry, allocates no problem list
  const messages = draft.problems.length > 0 || !draft.token ? [...draft.problems] : tokenProblems(draft.token);
  addSerialProblems(draft.serial?.trim(), messages);
  return messages;
}

/** 'SHA1', 'sha-256', 'HMAC-SHA512'… → the OTP hash, or null when it is none of the three. */
export function parseOtpAlgorithmName(text: string): OtpAlgorithm | null {
  const name = text.trim().toUpperCase().replace(/^HMAC[-_]?/, '').replace(/^SHA[-_]/, 'SHA');
  return isOtpAlgorithm(name) ? name : null;
}

/** Whole non-negative decimal numbers only: '1e3', '0x10', '12.0' and '' are all refused. */
export function parseWholeNumber(text: string | undefined): number | null {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

function addSerialProblems(serial: string | undefined, problems: string[]): void {
  if (!serial) problems.push('no serial number');
  else if (serial.length > MAX_SERIAL_LENGTH) problems.push(`the serial number is longer than ${MAX_SERIAL_LENGTH} characters`);
  else if (/[\u0000-\u001f\u007f]/.test(serial)) problems.push('the serial number contains control characters');
}

function tokenProblems(token: ImportedToken): string[] {
  const problems: string[] = [];
  if (token.secret.length === 0) problems.push('the seed is empty');
  if (token.secret.length > MAX_SECRET_BYTES) problems.push(`the seed is longer than ${MAX_SECRET_BYTES} bytes`);
  if (!Number.isInteger(token.digits) || token.digits < MIN_DIGITS || token.digits > MAX_OTP_DIGITS) {
    problems.push(`${token.digits} digits is not supported (${MIN_DIGITS} to ${MAX_OTP_DIGITS})`);
  }
  if (token.counter < 0n) problems.push('the counter must be a whole number ≥ 0');
  if (token.counter > MAX_STORED_HOTP_COUNTER) {
    problems.push('the counter is 2^63 or more: tokengate stores HOTP counters up to 2^63 - 1 (9223372036854775807)');
  }
  if (token.type === 'TOTP' && (!Number.isSafeInteger(token.period) || token.period <= 0)) {
    problems.push('the TOTP period must be a whole number of seconds > 0');
  }
  return problems;
}
