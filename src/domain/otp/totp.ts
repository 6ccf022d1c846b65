/** TOTP (RFC 6238) with T0 = 0: HOTP over the time step floor(time / period). */
import { TOTP_SYNC_WINDOW_SECONDS } from '../../contract/sync-windows';
import { assertWindow, createOtpCodeGenerator, looksLikeOtp, otpCodesEqual, type OtpCodeOptions } from './otp-code';

export interface TotpOptions extends OtpCodeOptions {
  /** seconds per step */
  period: number;
}

export interface TotpWindowOptions extends TotpOptions {
  /** Unix time in seconds */
  timeSeconds: number;
  /** the token's known clock offset, in steps (positive: the token runs ahead) */
  driftSteps: number;
  /** how many steps either side of the expected one may also match */
  window: number;
}

export interface TotpSyncOptions extends TotpOptions {
  timeSeconds: number;
  /** how far the token's clock may be off, either way; default 86400 (24 h) */
  windowSeconds?: number;
}

export interface TotpSyncResult {
  /** steps to add to the server's current step to get the token's */
  driftSteps: number;
  /** the step of the second code, to be refused from now on */
  lastStep: number;
}

export function totpStep(timeSeconds: number, period: number): number {
  if (!Number.isInteger(period) || period <= 0) throw new RangeError(`TOTP period must be a positive integer, got ${period}`);
  if (!Number.isFinite(timeSeconds) || timeSeconds < 0) throw new RangeError(`time must be a non-negative number, got ${timeSeconds}`);
  return Math.floor(timeSeconds / period);
}

export function generateTotp(secret: Buffer, timeSeconds: number, opts: TotpOptions): string {
  return createOtpCodeGenerator(secret, opts)(totpStep(timeSeconds, opts.period));
}

/**
 * Searches the absolute steps expected ± window (expected = current step + drift),
 * nearest to the expected step first, and returns the step that matched or null.
 * The caller refuses steps up to the last one used, so a code works only once.
 */
export function findTotpStep(secret: Buffer, otp: string, opts: TotpWindowOptions): number | null {
  assertWindow(opts.window);
  if (!Number.isSafeInteger(opts.driftSteps)) throw new RangeError(`driftSteps must be an integer, got ${opts.driftSteps}`);
  const expected = totpStep(opts.timeSeconds, opts.period) + opts.driftSteps;
  if (!looksLikeOtp(otp, opts.digits)) return null;
  const codeAt = createOtpCodeGenerator(secret, opts);
  for (let distance = 0; distance <= opts.window; distance++) {
    const before = expected - distance;
    const after = expected + distance;
    if (before >= 0 && otpCodesEqual(codeAt(before), otp)) return before;
    if (distance > 0 && after >= 0 && otpCodesEqual(codeAt(after), otp)) return after;
  }
  return null;
}

/**
 * Finds two consecutive steps s, s + 1 within ± windowSeconds of now whose codes are
 * otp1 and otp2 (the pair nearest to now wins) and measures the token's clock offset.
 */
export function syncTotp(secret: Buffer, otp1: string, otp2: string, opts: TotpSyncOptions): TotpSyncResult | null {
  const windowSeconds = opts.windowSeconds ?? TOTP_SYNC_WINDOW_SECONDS;
  if (!Number.isFinite(windowSeconds) || windowSeconds < 0) {
    throw new RangeError(`windowSeconds must be a non-negative number, got ${windowSeconds}`);
  }
  const current = totpStep(opts.timeSeconds, opts.period);
  if (!looksLikeOtp(otp1, opts.digits) || !looksLikeOtp(otp2, opts.digits)) return null;
  const first = totpStep(Math.max(0, opts.timeSeconds - windowSeconds), opts.period);
  const last = totpStep(opts.timeSeconds + windowSeconds, opts.period);
  const codeAt = createOtpCodeGenerator(secret, opts);
  const codes: (string | undefined)[] = new Array(last - first + 1);
  const cachedCodeAt = (step: number): string => (codes[step - first] ??= codeAt(step));
  const matchesAt = (step: number): boolean => step >= first && step < last
    && otpCodesEqual(cachedCodeAt(step), otp1) && otpCodesEqual(cachedCodeAt(step + 1), otp2);
  const found = (step: number): TotpSyncResult => ({ driftSteps: step + 1 - current, lastStep: step + 1 });
  // the pair nearest to now wins: current, current - 1, current + 1, …
  for (let distance = 0; current - distance >= first || current + distance < last; distance++) {
    if (matchesAt(current - distance)) return found(current - distance);
    if (distance > 0 && matchesAt(current + distance)) return found(current + distance);
  }
  return null;
}
