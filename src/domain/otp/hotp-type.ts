import { HOTP_SYNC_WINDOW } from '../../contract/sync-windows';
import { findHotpCounter, generateHotp, syncHotp } from './hotp';
import { hotpCounterToJson, MAX_STORED_HOTP_COUNTER } from './hotp-counter';
import type { OtpTypeRules } from './otp-type';

/**
 * HOTP (RFC 4226): the state is the next counter expected, and it only moves forward.
 * Every new counter must still fit the bigint column (MAX_STORED_HOTP_COUNTER).
 */
export const hotpType: OtpTypeRules = {
  /** Within the product's look-ahead from the next expected counter; a match at c stores c + 1. */
  verify(secret, otp, token) {
    const found = findHotpCounter(secret, otp, {
      algorithm: token.algorithm, digits: token.digits, counter: token.counter, window: token.authWindow,
      maxCounter: MAX_STORED_HOTP_COUNTER - 1n,
    });
    return found === null ? null : { counter: found + 1n, drift: token.drift, lastStep: token.lastStep };
  },

  /** Two consecutive codes up to HOTP_SYNC_WINDOW (SPEC: 1000) ahead; the counter moves past the second. */
  sync(secret, otp1, otp2, token) {
    const next = syncHotp(secret, otp1, otp2, {
      algorithm: token.algorithm, digits: token.digits, counter: token.counter, window: HOTP_SYNC_WINDOW,
      maxCounter: MAX_STORED_HOTP_COUNTER - 1n,
    });
    return next === null ? null : { counter: next, drift: token.drift, lastStep: token.lastStep };
  },

  syncReply: (state) => ({ counter: hotpCounterToJson(state.counter) }),

  /** Only counters /auth/verify can still accept (its next counter must fit the column). */
  codes(secret, token, count) {
    const counters = Array.from({ length: count }, (_, i) => token.counter + BigInt(i)).filter((c) => c < MAX_STORED_HOTP_COUNTER);
    return counters.map((c) => generateHotp(secret, c, { algorithm: token.algorithm, digits: token.digits }));
  },
};
