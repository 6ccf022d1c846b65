/** HOTP (RFC 4226): one code, the look-ahead window search and two-code resynchronisation. */
import {
  assertCounter, assertWindow, createOtpCodeGenerator, looksLikeOtp, otpCodesEqual, type OtpCodeOptions,
} from './otp-code';

export interface HotpWindowOptions extends OtpCodeOptions {
  /** the next counter the server expects */
  counter: number;
  /** how many counters past `counter` may also match */
  window: number;
}

export interface HotpSyncOptions extends OtpCodeOptions {
  counter: number;
  /** how far ahead the pair may be found; default 1000 */
  window?: number;
}

export const HOTP_SYNC_WINDOW = 1000;

export function generateHotp(secret: Buffer, counter: number, opts: OtpCodeOptions): string {
  return createOtpCodeGenerator(secret, opts)(counter);
}

/**
 * The smallest c in [counter, counter + window] whose code is `otp`, else null.
 * The caller stores c + 1 as the next counter, so a code is never accepted twice.
 */
export function findHotpCounter(secret: Buffer, otp: string, opts: HotpWindowOptions): number | null {
  assertCounter(opts.counter);
  assertWindow(opts.window);
  if (!looksLikeOtp(otp, opts.digits)) return null;
  const codeAt = createOtpCodeGenerator(secret, opts);
  const last = lastCounter(opts.counter, opts.window);
  for (let c = opts.counter; c <= last; c++) {
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
export function syncHotp(secret: Buffer, otp1: string, otp2: string, opts: HotpSyncOptions): number | null {
  const window = opts.window ?? HOTP_SYNC_WINDOW;
  assertCounter(opts.counter);
  assertWindow(window);
  if (!looksLikeOtp(otp1, opts.digits) || !looksLikeOtp(otp2, opts.digits)) return null;
  const codeAt = createOtpCodeGenerator(secret, opts);
  const last = lastCounter(opts.counter, window);
  let current = codeAt(opts.counter);
  for (let c = opts.counter; c <= last; c++) {
    const next = codeAt(c + 1);
    if (otpCodesEqual(current, otp1) && otpCodesEqual(next, otp2)) return c + 2;
    current = next;
  }
  return null;
}

function lastCounter(counter: number, window: number): number {
  // stay a safe integer even for absurd windows; c + 1 is computed by syncHotp
  return Math.min(counter + window, Number.MAX_SAFE_INTEGER - 2);
}
