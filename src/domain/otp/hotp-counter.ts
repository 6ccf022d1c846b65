/**
 * HOTP counters. RFC 4226 §5.1: "C 8-byte counter value", so a counter is an unsigned
 * 64-bit integer, beyond JavaScript's safe integers (2^53 - 1): counters that may be
 * large travel as bigint. Hardware tokens do ship with such counters (multiOTP's
 * tokens_hotp_aes.pskc holds 7-byte values).
 */

export const MAX_HOTP_COUNTER = 0xffff_ffff_ffff_ffffn; // 2^64 - 1

/**
 * tokengate keeps the next counter in a PostgreSQL bigint, which is signed: 2^63 - 1 at
 * most. Counters from 2^63 on are refused on import and reset rather than stored in a
 * numeric column, since no token counts that far in practice (2.9e11 years at one code
 * a second) and every read and comparison stays a plain bigint.
 */
export const MAX_STORED_HOTP_COUNTER = 0x7fff_ffff_ffff_ffffn; // 2^63 - 1

/** A decimal counter with no sign, no exponent and no fraction, up to 2^64 - 1; else null. */
export function parseHotpCounter(text: string | undefined): bigint | null {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return null;
  const significant = text.trim().replace(/^0+(?=\d)/, '');
  if (significant.length > 20) return null; // 2^64 - 1 has 20 digits; spares BigInt a huge string
  const value = BigInt(significant);
  return value <= MAX_HOTP_COUNTER ? value : null;
}

/**
 * A counter as a JSON value: a number while it is a safe integer, the decimal string above
 * that, because JSON parsers (JavaScript's included) turn larger numbers into doubles and
 * silently change them.
 */
export function hotpCounterToJson(counter: bigint): number | string {
  return counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(counter) : counter.toString();
}

export function assertCounter(counter: number | bigint): void {
  const ok = typeof counter === 'bigint'
    ? counter >= 0n && counter <= MAX_HOTP_COUNTER
    : Number.isSafeInteger(counter) && counter >= 0;
  if (!ok) throw new RangeError(`OTP counter must be a whole number from 0 to 2^64 - 1, got ${counter}`);
}
