import type { Db } from '../../db';
import { hotpCounterToJson, MAX_STORED_HOTP_COUNTER } from '../../domain/otp';
import { AppError, E } from '../../errors';
import { findRepository, RepositoryRef, UserRef } from '../directory/refs';
import type { UserResolver } from '../directory/user-resolver';
import { verifyFailureBucket } from '../auth/verify-failures';
import { clearRateLimits } from '../rate-limit';
import { unassignToken } from './assignments';
import { findToken, TokenSelector } from './token-refs';

/** The administrative changes to one token: each locks its row, changes it, says what it did. */

export interface TokenAttrs { status?: 'ACTIVE' | 'DISABLED' | 'DECEASED'; description?: string | null; repository?: RepositoryRef | null }

export async function setToken(db: Db, id: string, attrs: TokenAttrs): Promise<void> {
  const token = await findToken(db, { id }, { lock: true });
  const repositoryId = attrs.repository ? (await findRepository(db, attrs.repository)).id : null;
  await db.rows(
    `UPDATE tokens SET
        status = coalesce($2, status),
        description = CASE WHEN $3 THEN $4 ELSE description END,
        repository_id = CASE WHEN $5 THEN $6::uuid ELSE repository_id END
      WHERE id = $1`,
    [token.id, attrs.status ?? null, 'description' in attrs, attrs.description ?? null, 'repository' in attrs, repositoryId]);
}

/** Without `user` the token goes, with its assignments and links; with it, only that user's assignment. */
export async function deleteToken(db: Db, users: UserResolver, selector: TokenSelector, user?: UserRef) {
  const token = await findToken(db, selector, { lock: true });
  if (user) {
    const { id: userId } = await users.find(db, user);
    if (!(await unassignToken(db, token.id, userId))) throw AppError.of(E.TOKEN_NOT_FOUND, { serial: token.serial, user: userId }, 'The user does not hold this token');
    return { id: token.id, serial: token.serial, unassigned: userId };
  }
  await db.rows(`DELETE FROM tokens WHERE id = $1`, [token.id]);
  return { id: token.id, serial: token.serial, deleted: true };
}

/**
 * HOTP counter to `counter` (default 0), TOTP drift to 0, fail count and lock cleared.
 * The TOTP last-used step is kept: a reset must not make an already used code valid again.
 * `counter` is a JSON number (a safe integer) or, for larger counters, its decimal string.
 */
export async function resetToken(db: Db, selector: TokenSelector, counter: number | string = 0) {
  const next = storableCounter(counter);
  const token = await findToken(db, selector, { lock: true });
  const [row] = await db.rows(`UPDATE tokens SET counter = CASE WHEN $2 = 'HOTP' THEN $3::bigint ELSE 0 END, drift = 0, fail_count = 0, locked = false
      WHERE id = $1 RETURNING counter::text AS counter, drift, fail_count AS "failCount", locked`,
    [token.id, token.type, next.toString()]);
  await clearVerifyFailuresOfHolders(db, token.id);
  return { id: token.id, serial: token.serial, ...row, counter: hotpCounterToJson(BigInt(row.counter)) };
}

/** A reset clears what led to the lock: the token's fail count, and its holders' failed verifications. */
async function clearVerifyFailuresOfHolders(db: Db, tokenId: string): Promise<void> {
  const holders = await db.rows<{ userId: string }>('SELECT user_id AS "userId" FROM token_assignments WHERE token_id = $1', [tokenId]);
  await clearRateLimits(db, holders.map((h) => verifyFailureBucket(h.userId, {})));
}

/** The schema has checked the shape (a safe integer, or up to 19 digits); this, the bigint column's range. */
function storableCounter(counter: number | string): bigint {
  const value = BigInt(counter);
  if (value < 0n || value > MAX_STORED_HOTP_COUNTER) {
    const message = `counter must be from 0 to ${MAX_STORED_HOTP_COUNTER} (2^63 - 1)`;
    throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/attrs/counter', message }] }, message);
  }
  return value;
}

/** Confining also kills every outstanding download link, so releasing later does not revive one. */
export async function confineToken(db: Db, selector: TokenSelector) {
  const token = await findToken(db, selector, { lock: true });
  await db.rows(`UPDATE tokens SET confined = true WHERE id = $1`, [token.id]);
  const linksRevoked = await db.count(`UPDATE token_download_links SET expires_at = now() WHERE token_id = $1 AND used_at IS NULL AND expires_at > now()`, [token.id]);
  return { id: token.id, serial: token.serial, confined: true, linksRevoked };
}

export async function releaseToken(db: Db, selector: TokenSelector) {
  const token = await findToken(db, selector, { lock: true });
  await db.rows(`UPDATE tokens SET confined = false WHERE id = $1`, [token.id]);
  return { id: token.id, serial: token.serial, confined: false };
}
