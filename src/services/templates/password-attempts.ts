import type { EntityManager } from 'typeorm';
import { sql } from '../../db/sql';
import { verifyPassword } from '../../domain/crypto/password-hash';
import { AppError, E } from '../../errors';

/** Five guesses per token and calling identity in a 15-minute window; then RATE_LIMITED. */
export const MAX_PASSWORD_ATTEMPTS = 5;
export const ATTEMPT_WINDOW_SECONDS = 15 * 60;

interface Protected { id: string; password_hash: string | null; password_is_pin: boolean | null }

/**
 * Checks a share token's password. Each guess is counted before scrypt runs, in one
 * atomic upsert, so parallel guesses cannot slip past the limit; a right password
 * clears the count. `db` must not be a transaction that the failure rolls back,
 * or the count would vanish with it (see loadToken). A missing password is not a
 * guess: it answers PASSWORD_INVALID with passwordIsPin so the client knows what to ask.
 */
export async function checkSharePassword(db: EntityManager, token: Protected, identity: string, password: string | undefined) {
  if (!token.password_hash) return;
  const passwordIsPin = token.password_is_pin === true;
  if (password === undefined) throw AppError.of(E.PASSWORD_INVALID, { passwordIsPin }, 'A password is required');
  const { attempts, retryAfterSeconds } = await countAttempt(db, token.id, identity);
  if (attempts > MAX_PASSWORD_ATTEMPTS) throw AppError.of(E.RATE_LIMITED, { retryAfterSeconds });
  if (!await verifyPassword(password, token.password_hash)) {
    throw AppError.of(E.PASSWORD_INVALID, { passwordIsPin, attemptsLeft: MAX_PASSWORD_ATTEMPTS - attempts });
  }
  await sql(db, 'DELETE FROM share_token_password_attempts WHERE token_id = $1 AND identity = $2', [token.id, identity]);
}

/** A fixed window opened by the first guess; a guess after it has passed opens a new one. */
async function countAttempt(db: EntityManager, tokenId: string, identity: string) {
  const [row] = await sql(db,
    `INSERT INTO share_token_password_attempts AS a (token_id, identity, window_started_at, attempts)
     VALUES ($1, $2, now(), 1)
     ON CONFLICT (token_id, identity) DO UPDATE SET
       attempts = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN 1 ELSE a.attempts + 1 END,
       window_started_at = CASE WHEN a.window_started_at <= now() - make_interval(secs => $3) THEN now() ELSE a.window_started_at END
     RETURNING attempts,
       greatest(1, ceil(extract(epoch FROM window_started_at + make_interval(secs => $3) - now())))::int AS "retryAfterSeconds"`,
    [tokenId, identity, ATTEMPT_WINDOW_SECONDS]);
  return row as { attempts: number; retryAfterSeconds: number };
}
