import type { ServerKeys } from '../../contract/method';
import type { Db } from '../../db';
import type { UserRef } from '../directory/refs';
import type { RateLimit } from '../rate-limit';
import type { UserResolver } from '../directory/user-resolver';
import { verifyWith } from './verify-otp';

/** A login whose PIN was checked by an earlier request (a RADIUS State): the OTP alone is due, on those tokens. */
export interface PinChecked { userId: string; tokenIds: readonly string[] }

export type PasswordOutcome =
  | { verified: true; serial: string; userId: string }
  | { pinOnly: true; tokenIds: string[]; userId: string };

/**
 * One password that carries PIN and OTP together (RADIUS PAP, SPEC §10), by the rules of
 * /auth/verify (verify-otp.ts: exactly once, fail counts, locks, the per-user limit).
 * Each token takes its last `digits` characters as the OTP and the rest as its PIN; a token
 * without a PIN takes the whole password as the OTP. A password that matches no token but
 * is exactly a token's PIN answers `pinOnly` and counts nothing (the caller then asks for
 * the OTP). Checked after the split rather than before it, so a PIN+OTP login pays one
 * PIN hash, not two; the answers differ only if one token's whole PIN were another's
 * PIN followed by a valid OTP.
 * Any failure throws AUTH_FAILED, AUTH_LOCKED or RATE_LIMITED, as /auth/verify does.
 */
export function verifyUserPassword(
  db: Db, keys: ServerKeys, users: UserResolver, user: UserRef, password: string, failuresPerUser: RateLimit | null, pinChecked?: PinChecked,
): Promise<PasswordOutcome> {
  if (pinChecked) {
    return verifyWith(db, keys, users, { id: pinChecked.userId }, () => ({ otp: password, pin: null }), failuresPerUser,
      { onlyTokens: pinChecked.tokenIds }) as Promise<PasswordOutcome>;
  }
  return verifyWith(db, keys, users, user, (token, asksPin) => (asksPin
    ? { pin: password.slice(0, Math.max(0, password.length - token.digits)), otp: password.slice(-token.digits) }
    : { otp: password }), failuresPerUser, {
    // Challenge-response: the password is exactly the PIN the domain asks for (the token's, or
    // the directory password), checked as the split PIN was; it spends and counts nothing.
    beforeFailure: async (open, pins) => {
      const tokenIds: string[] = [];
      for (const token of open) if (pins.asks(token) && (await pins.check(token, password)).matches) tokenIds.push(token.id);
      return tokenIds.length > 0 ? { pinOnly: true, tokenIds } : null;
    },
  });
}
