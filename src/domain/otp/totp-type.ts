import { TOTP_SYNC_WINDOW_SECONDS } from '../../contract/sync-windows';
import { findTotpStep, generateTotp, syncTotp, totpStep } from './totp';
import type { OtpTypeRules } from './otp-type';

/**
 * TOTP (RFC 6238): the state is the clock drift in steps and the last step accepted;
 * a step is never accepted twice (RFC 6238 §5.2).
 */
export const totpType: OtpTypeRules = {
  /** Within ±authWindow steps of the expected step (drift applied) and after the last step accepted. */
  verify(secret, otp, token, nowSeconds) {
    const step = findTotpStep(secret, otp, {
      algorithm: token.algorithm, digits: token.digits, period: token.period, timeSeconds: nowSeconds,
      driftSteps: token.drift, window: token.authWindow,
    });
    if (step === null || (token.lastStep !== null && step <= token.lastStep)) return null;
    return { counter: token.counter, drift: step - totpStep(nowSeconds, token.period), lastStep: step };
  },

  /** Two consecutive codes within ±24 h (SPEC), both after the last step accepted, so a used code cannot sync. */
  sync(secret, otp1, otp2, token, nowSeconds) {
    const found = syncTotp(secret, otp1, otp2, {
      algorithm: token.algorithm, digits: token.digits, period: token.period, timeSeconds: nowSeconds,
      windowSeconds: TOTP_SYNC_WINDOW_SECONDS,
    });
    if (found === null || (token.lastStep !== null && found.lastStep - 1 <= token.lastStep)) return null;
    return { counter: token.counter, drift: found.driftSteps, lastStep: found.lastStep };
  },

  syncReply: (state) => ({ drift: state.drift }),

  /** The code of the current step, drift applied. */
  codes(secret, token, _count, nowSeconds) {
    const time = Math.max(0, nowSeconds + token.drift * token.period);
    return [generateTotp(secret, time, { algorithm: token.algorithm, digits: token.digits, period: token.period })];
  },
};
