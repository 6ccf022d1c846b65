import type { Db } from '../../db';
import { otpType } from '../../domain/otp';
import { AppError, E } from '../../errors';
import type { UserRef } from '../directory/refs';
import type { UserResolver } from '../directory/user-resolver';
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
 * Re-aligns a token from two consecutive codes, as its type says (domain/otp: HOTP moves
 * the counter past the second code, TOTP measures the drift). The reply names what moved.
 * A sync clears the fail count; the lock stays until /token/reset (SPEC).
 */
export async function syncToken(
  db: Db, masterKey: Buffer, input: { selector: TokenSelector; user?: UserRef; credential: string; users: UserResolver }, nowSeconds = Date.now() / 1000,
): Promise<{ counter: number | string } | { drift: number }> {
  const token = await findToken(db, input.selector, { lock: true });
  if (input.user) await assertHeldBy(db, token, await input.users.find(db, input.user));
  const [otp1, otp2] = parseSyncCredential(input.credential, token.digits);
  const type = otpType(token.type);
  const next = type.sync(unsealSeed(masterKey, token.seedSealed, token.id), otp1, otp2, token, nowSeconds);
  if (next === null) throw AppError.of(E.SYNC_FAILED);
  await db.rows(`UPDATE tokens SET counter = $2, drift = $3, last_step = $4, fail_count = 0 WHERE id = $1`,
    [token.id, next.counter.toString(), next.drift, next.lastStep]);
  return type.syncReply(next);
}

async function assertHeldBy(db: Db, token: TokenRow, { id: userId }: { id: string }): Promise<void> {
  const [held] = await db.rows(`SELECT 1 FROM token_assignments WHERE token_id = $1 AND user_id = $2`, [token.id, userId]);
  if (!held) throw AppError.of(E.TOKEN_NOT_FOUND, { serial: token.serial }, 'The user does not hold this token');
}
