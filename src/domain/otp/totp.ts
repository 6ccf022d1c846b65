/** TOTP (RFC 6238) with T0 = 0: HOTP over the time step floor(time / period). */
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
  /** how far the token's clock may be off, either way */
  windowSeconds: number;
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
  for (const step of stepsNearestFirst(expected, expected - opts.window, expected + opts.window)) {
    if (otpCodesEqual(codeAt(step), otp)) return step;
  }
  return null;
}

/**
 * Finds two consecutive steps s, s + 1 within ± windowSeconds of now whose codes are
 * otp1 and otp2 (the pair nearest to now wins) and measures the token's clock offset.
 */
export function syncTotp(secret: Buffer, otp1: string, otp2: string, opts: TotpSyncOptions): TotpSyncResult | null {
  if (!Number.isFinite(opts.windowSeconds) || opts.windowSeconds < 0) {
    throw new RangeError(`windowSeconds must be a non-negative number, got ${opts.windowSeconds}`);
  }
  const current = totpStep(opts.timeSeconds, opts.period);
  if (!looksLikeOtp(otp1, opts.digits) || !looksLikeOtp(otp2, opts.digits)) return null;
  const first = totpStep(Math.max(0, opts.timeSeconds - opts.windowSeconds), opts.period);
  const last = totpStep(opts.timeSeconds + opts.windowSeconds, opts.period);
  const codeAt = createOtpCodeGenerator(secret, opts);
  const cache = new Map<number, string>();
  const cachedCodeAt = (step: number): string => {
    let code = cache.get(step);
    if (code === undefined) cache.set(step, (code = codeAt(step)));
    return code;
  };
  for (const step of stepsNearestFirst(current, first, last - 1)) {
    if (otpCodesEqual(cachedCodeAt(step), otp1) && otpCodesEqual(cachedCodeAt(step + 1), otp2)) {
      return { driftSteps: step + 1 - current, lastStep: step + 1 };
    }
  }
  return null;
}

/** center, center - 1, center + 1, center - 2, … clipped to [low, high] and to steps ≥ 0. */
function* stepsNearestFirst(center: number, low: number, high: number): Generator<number> {
  const from = Math.max(low, 0);
  for (let distance = 0; center - distance >= from || center + distance <= high; distance++) {
    const before = center - distance;
    const after = center + distance;
    if (before >= from && before <= high) yield before;
    if (distance > 0 && after <= high && after >= from) yield after;
  }
}
