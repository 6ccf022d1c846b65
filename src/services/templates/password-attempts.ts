import type { Db } from '../../db';
import { verifyPassword } from '../../domain/crypto/password-hash';
import { AppError, E } from '../../errors';
import { clearRateLimits, consumeRateLimit, type RateLimit } from '../rate-limit';

interface Protected { id: string; password_hash: string | null; password_is_pin: boolean | null }

/**
 * Checks a share token's password against TOKENGATE_RATE_LIMIT_PASSWORD guesses per
 * token and calling identity (default 5 in 15 minutes; null: unlimited). Each guess is counted before scrypt runs, in one
 * atomic upsert, so parallel guesses cannot slip past the limit; a right password
 * clears the count. `db` must not be a transaction that the failure rolls back,
 * or the count would vanish with it (see loadToken). A missing password is not a
 * guess: it answers PASSWORD_INVALID with passwordIsPin so the client knows what to ask.
 */
export async function checkSharePassword(
  db: Db, token: Protected, identity: string, password: string | undefined, limit: RateLimit | null,
) {
  if (!token.password_hash) return;
  const passwordIsPin = token.password_is_pin === true;
  if (password === undefined) throw AppError.of(E.PASSWORD_INVALID, { passwordIsPin }, 'A password is required');
  const counted = limit ? await countAttempt(db, token.id, identity, limit.windowSeconds) : undefined;
  // retryAfter (seconds) is the name every RATE_LIMITED carries; the legacy route turns it into Retry-After.
  if (limit && counted && counted.attempts > limit.limit) throw AppError.of(E.RATE_LIMITED, { retryAfter: counted.retryAfter });
  if (!await verifyPassword(password, token.password_hash)) {
    const attemptsLeft = limit && counted ? { attemptsLeft: limit.limit - counted.attempts } : {};
    throw AppError.of(E.PASSWORD_INVALID, { passwordIsPin, ...attemptsLeft });
  }
  await db.rows('DELETE FROM share_token_password_attempts WHERE token_id = $1 AND identity = $2', [token.id, identity]);
}

/** A fixed window opened by the first guess; a guess after it has passed opens a new one. */
async function countAttempt(db: Db, tokenId: string, identity: string, windowSeconds: number) {
  const [row] = await db.rows(`INSERT INTO share_token_password_attempts AS a (token_id, identity, window_started_at, attempts)
     VALUES ($1, $2, now(), 1)
     ON CONFLICT (token_id, identity) DO UPDATE SET
       attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE a.attempts + 1 END,
       window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE a.window_started_at END
     RETURNING attempts,
       greatest(1, ceil(extract(epoch FROM window_started_at + make_interval(secs => $3) - now())))::int AS "retryAfter"`,
    [tokenId, identity, windowSeconds]);
  return row as { attempts: number; retryAfter: number };
}

/**
 * checkSharePassword for a template loaded through its own reference: the same rules and
 * the same limit (TOKENGATE_RATE_LIMIT_PASSWORD per template and identity), counted in
 * the rate-limit buckets, since there is no share token row to count against.
 */
export async function checkTemplatePassword(
  db: Db, template: Protected, identity: string, password: string | undefined, limit: RateLimit | null,
) {
  if (!template.password_hash) return;
  const passwordIsPin = template.password_is_pin === true;
  if (password === undefined) throw AppError.of(E.PASSWORD_INVALID, { passwordIsPin }, 'A password is required');
  const bucket = `template-password:${template.id}:${identity}`;
  if (limit) await consumeRateLimit(db, bucket, limit);
  if (!await verifyPassword(password, template.password_hash)) throw AppError.of(E.PASSWORD_INVALID, { passwordIsPin });
  await clearRateLimits(db, [bucket]);
}
