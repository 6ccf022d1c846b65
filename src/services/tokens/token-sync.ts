import type { EntityManager } from 'typeorm';
import { HOTP_SYNC_WINDOW, TOTP_SYNC_WINDOW_SECONDS } from '../../contract/sync-windows';
import { sql } from '../../db/sql';
import { hotpCounterToJson, MAX_STORED_HOTP_COUNTER, syncHotp, syncTotp } from '../../domain/otp';
import { AppError, E } from '../../errors';
import { findUser, UserRef } from '../directory/refs';
import { findToken, TokenRow, TokenSelector } from './token-refs';
import { unsealSeed } from './token-seeds';


/** "otp1,otp2": two codes of the token's length; anything else is a malformed credential. */
export function parseSyncCredential(credential: string, digits: number): [string, string] {
  const match = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(credential);
  if (!match || match[1].length !== digits || match[2].length !== digits) {
    throw AppError.of(E.CREDENTIAL_INVALID, { expected: `two ${digits}-digit OTPs separated by a comma` });
  }
  return [match[1], match[2]];
}

/**
 * Re-aligns a token from two consecutive codes. HOTP: the counter moves to after the
 * second code (never backwards). TOTP: drift becomes the measured offset in steps, and
 * the pair must lie after the last accepted step, so a used code cannot sync.
 * A sync clears the fail count; the lock stays until /token/reset (SPEC).
 */
export async function syncToken(
  db: EntityManager, masterKey: Buffer, input: { selector: TokenSelector; user?: UserRef; credential: string }, nowSeconds = Date.now() / 1000,
): Promise<{ counter: number | string } | { drift: number }> {
  const token = await findToken(db, input.selector, { lock: true });
  if (input.user) await assertHeldBy(db, token, input.user);
  const [otp1, otp2] = parseSyncCredential(input.credential, token.digits);
  const secret = unsealSeed(masterKey, token.seedSealed, token.id);
  const opts = { algorithm: token.algorithm, digits: token.digits };

  if (token.type === 'HOTP') {
    // the next counter (one past the second code) must still fit the bigint column
    const next = syncHotp(secret, otp1, otp2, {
      ...opts, counter: token.counter, window: HOTP_SYNC_WINDOW, maxCounter: MAX_STORED_HOTP_COUNTER - 1n,
    });
    if (next === null) throw AppError.of(E.SYNC_FAILED);
    await sql(db, `UPDATE tokens SET counter = $2, fail_count = 0 WHERE id = $1`, [token.id, next.toString()]);
    return { counter: hotpCounterToJson(next) };
  }
  const found = syncTotp(secret, otp1, otp2, { ...opts, period: token.period, timeSeconds: nowSeconds, windowSeconds: TOTP_SYNC_WINDOW_SECONDS });
  if (found === null || (token.lastStep !== null && found.lastStep - 1 <= token.lastStep)) throw AppError.of(E.SYNC_FAILED);
  await sql(db, `UPDATE tokens SET drift = $2, last_step = $3, fail_count = 0 WHERE id = $1`, [token.id, found.driftSteps, found.lastStep]);
  return { drift: found.driftSteps };
}

async function assertHeldBy(db: EntityManager, token: TokenRow, user: UserRef): Promise<void> {
  const { id: userId } = await findUser(db, user);
  const [held] = await sql(db, `SELECT 1 FROM token_assignments WHERE token_id = $1 AND user_id = $2`, [token.id, userId]);
  if (!held) throw AppError.of(E.TOKEN_NOT_FOUND, { serial: token.serial }, 'The user does not hold this token');
}
