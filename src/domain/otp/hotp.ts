/**
 * HOTP (RFC 4226): one code, the look-ahead window search and two-code resynchronisation.
 * Counters are 64-bit (see hotp-counter.ts): they come in as number or bigint, and the
 * window arithmetic and every counter returned are bigint.
 */
import { HOTP_SYNC_WINDOW } from '../../contract/sync-windows';
import { assertCounter, MAX_HOTP_COUNTER } from './hotp-counter';
import { assertWindow, createOtpCodeGenerator, looksLikeOtp, otpCodesEqual, type OtpCodeOptions } from './otp-code';

export interface HotpWindowOptions extends OtpCodeOptions {
  /** the next counter the server expects */
  counter: number | bigint;
  /** how many counters past `counter` may also match */
  window: number;
  /**
   * the highest counter a code may be found at, default 2^64 - 1. A store with a smaller
   * range passes its limit - 1, so that the next counter (one past the match) still fits.
   */
  maxCounter?: bigint;
}

export interface HotpSyncOptions extends OtpCodeOptions {
  counter: number | bigint;
  /** how far ahead the pair may be found; default 1000 */
  window?: number;
  /** the highest counter either code may be found at, default 2^64 - 1 */
  maxCounter?: bigint;
}

export function generateHotp(secret: Buffer, counter: number | bigint, opts: OtpCodeOptions): string {
  return createOtpCodeGenerator(secret, opts)(counter);
}

/**
 * The smallest c in [counter, counter + window] whose code is `otp`, else null.
 * The caller stores c + 1 as the next counter, so a code is never accepted twice.
 */
export function findHotpCounter(secret: Buffer, otp: string, opts: HotpWindowOptions): bigint | null {
  const first = checkedStart(opts.counter, opts.window);
  if (!looksLikeOtp(otp, opts.digits)) return null;
  const codeAt = createOtpCodeGenerator(secret, opts);
  const last = lastCounter(first, opts.window, opts.maxCounter);
  for (let c = first; c <= last; c++) {
    if (otpCodesEqual(codeAt(c), otp)) return c;
  }
  return null;
}

/**
 * Resynchronises a token that has drifted far ahead (button pressed many times):
 * finds c in [counter, counter + window] with code(c) = otp1 and code(c + 1) = otp2,
 * and returns c + 2, the next counter to expect. Two consecutive codes make an
 * accidental match over a 1000-counter window practically impossible.
 */
export function syncHotp(secret: Buffer, otp1: string, otp2: string, opts: HotpSyncOptions): bigint | null {
  const window = opts.window ?? HOTP_SYNC_WINDOW;
  const first = checkedStart(opts.counter, window);
  if (!looksLikeOtp(otp1, opts.digits) || !looksLikeOtp(otp2, opts.digits)) return null;
  const codeAt = createOtpCodeGenerator(secret, opts);
  // otp2 sits one counter after otp1, so otp1 may be found at maxCounter - 1 at most
  const last = lastCounter(first, window, (opts.maxCounter ?? MAX_HOTP_COUNTER) - 1n);
  if (first > last) return null;
  let current = codeAt(first);
  for (let c = first; c <= last; c++) {
    const next = codeAt(c + 1n);
    if (otpCodesEqual(current, otp1) && otpCodesEqual(next, otp2)) return c + 2n;
    current = next;
  }
  return null;
}

function checkedStart(counter: number | bigint, window: number): bigint {
  assertCounter(counter);
  assertWindow(window);
  return BigInt(counter);
}

function lastCounter(first: bigint, window: number, maxCounter = MAX_HOTP_COUNTER): bigint {
  const end = first + BigInt(window);
  const limit = maxCounter < MAX_HOTP_COUNTER ? maxCounter : MAX_HOTP_COUNTER;
  return end < limit ? end : limit;
}
