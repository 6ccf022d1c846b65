import type { EntityManager } from 'typeorm';
import { sql } from '../../db/sql';
import type { ServerKeys } from '../../contract/method';
import { checkPin } from '../../domain/crypto/bulk-pin-hash';
import { hashPassword } from '../../domain/crypto/password-hash';
import { findHotpCounter, findTotpStep, MAX_STORED_HOTP_COUNTER, totpStep } from '../../domain/otp';
import { AppError, E, isAppError } from '../../errors';
import { findUser, UserRef, UserRow } from '../directory/refs';
import { checkRateLimit, clearRateLimits, countAttempts, RateLimit } from '../rate-limit';
import { verifyFailureBucket } from './verify-failures';
import { RawTokenRow, TOKEN_ROW_COLUMNS, tokenRowFrom, TokenRow } from '../tokens/token-refs';
import { unsealSeed } from '../tokens/token-seeds';

export interface VerifyInput { user: UserRef; credential: { otp: string; pin?: string } }
type Candidate = TokenRow & { pinHash: string | null };
type Outcome = { kind: 'verified'; serial: string } | { kind: 'failed' } | { kind: 'locked' };

/**
 * /auth/verify. Runs in its own transaction (the method declares `transaction: 'handler'`)
 * because a failure must commit the fail count and still answer AUTH_FAILED, while the
 * gateway rolls its transaction back on any error. Counting in a second connection instead
 * would wait forever on the row locks this transaction holds.
 *
 * The candidate tokens are locked FOR UPDATE (in id order, so two calls for one user
 * cannot deadlock): concurrent calls with one OTP, from any number of server processes,
 * queue on the locks, and each sees the counter or step the previous one committed, so
 * exactly one succeeds.
 *
 * Besides each token's maxFail lock, failed calls per user are limited (`failuresPerUser`,
 * TOKENGATE_RATE_LIMIT_VERIFY): over the limit a call answers RATE_LIMITED without the OTP
 * being looked at. Those counters commit on their own (the rate-limit pool), and a
 * RATE_LIMITED answer rolls back nothing, since nothing was changed yet.
 */
export async function verifyUserOtp(
  db: EntityManager, keys: ServerKeys, input: VerifyInput, failuresPerUser: RateLimit | null, nowSeconds = Date.now() / 1000,
) {
  const outcome = await db.transaction((tx) => decide(tx, keys, input, failuresPerUser, nowSeconds));
  if (outcome.kind === 'verified') return { verified: true as const, serial: outcome.serial };
  throw AppError.of(outcome.kind === 'locked' ? E.AUTH_LOCKED : E.AUTH_FAILED);
}

async function decide(db: EntityManager, keys: ServerKeys, input: VerifyInput, failuresPerUser: RateLimit | null, nowSeconds: number): Promise<Outcome> {
  const user = await liveUser(db, input.user);
  const limit = userFailureLimit(db, failuresPerUser, verifyFailureBucket(user?.id, input.user));
  if (!user || user.status !== 'ACTIVE') {
    await limit.check();
    return limit.failed();
  }
  const rows = await sql<RawTokenRow & { pinHash: string | null }>(db,
    `SELECT ${TOKEN_ROW_COLUMNS}, a.pin_hash AS "pinHash"
       FROM token_assignments a JOIN tokens t ON t.id = a.token_id JOIN products p ON p.id = t.product_id
      WHERE a.user_id = $1 AND a.status = 'ACTIVE' AND t.status = 'ACTIVE'
      ORDER BY t.id FOR UPDATE OF t`, [user.id]);
  // Checked under the locks: concurrent calls for this user queue on them, so each one sees
  // the failures counted before it and the limit holds exactly.
  await limit.check();
  const candidates: Candidate[] = rows.map(tokenRowFrom);
  const open = candidates.filter((c) => !c.locked);
  if (open.length === 0) return candidates.length > 0 ? { kind: 'locked' } : limit.failed();

  for (const token of open) {
    // checked whether or not the OTP matches, so the time taken does not tell which part was wrong
    const pin = await checkPin(keys.pepper, input.credential.pin, token.pinHash);
    const match = matchOtp(token, unsealSeed(keys.masterKey, token.seedSealed, token.id), input.credential.otp, nowSeconds);
    if (pin.matches && match) {
      await sql(db,
        `UPDATE tokens SET counter = $2, last_step = $3, drift = $4, fail_count = 0, last_used_at = now() WHERE id = $1`,
        [token.id, match.counter.toString(), match.lastStep, match.drift]);
      if (pin.rehashDue) await rehashPin(db, token.id, user.id, input.credential.pin ?? '');
      await limit.succeeded();
      return { kind: 'verified', serial: token.serial };
    }
  }
  // every token tried counts the failure; the one reaching its product's maxFail locks
  await sql(db,
    `UPDATE tokens t SET fail_count = t.fail_count + 1, locked = t.fail_count + 1 >= p.max_fail
       FROM products p WHERE p.id = t.product_id AND t.id = ANY($1::uuid[])`, [open.map((t) => t.id)]);
  return limit.failed();
}

/** A live user, whatever its status; null when there is none by that reference. */
async function liveUser(db: EntityManager, ref: UserRef): Promise<UserRow | null> {
  try {
    return await findUser(db, ref);
  } catch (err) {
    if (isAppError(err) && err.errorName === 'USER_NOT_FOUND') return null;
    throw err;
  }
}

function userFailureLimit(db: EntityManager, limit: RateLimit | null, bucket: string) {
  return {
    /** RATE_LIMITED once the user's failures have used up the window. */
    async check(): Promise<void> {
      if (limit) await checkRateLimit(db, bucket, limit);
    },
    /** A success clears the user's failures, as it clears the token's fail count. */
    async succeeded(): Promise<void> {
      await clearRateLimits(db, [bucket]);
    },
    /** Counts this failure (successes are not counted); the call that reaches the limit still answers AUTH_FAILED. */
    async failed(): Promise<Outcome> {
      if (limit) await countAttempts(db, [{ bucket, limit }]);
      return { kind: 'failed' };
    },
  };
}

/**
 * Batch-assigned PINs are stored as a peppered HMAC (domain/crypto/bulk-pin-hash.ts); the
 * first successful verify, which has the PIN in hand, stores it with scrypt (SPEC §8).
 */
async function rehashPin(db: EntityManager, tokenId: string, userId: string, pin: string): Promise<void> {
  await sql(db, 'UPDATE token_assignments SET pin_hash = $3 WHERE token_id = $1 AND user_id = $2', [tokenId, userId, await hashPassword(pin)]);
}

/**
 * The token's new state if `otp` is valid now: HOTP within the product's look-ahead from
 * the next expected counter (the counter only moves forward), TOTP within ±window steps of
 * the expected step and after the last step accepted (a step is never used twice).
 */
function matchOtp(token: TokenRow, secret: Buffer, otp: string, nowSeconds: number) {
  const opts = { algorithm: token.algorithm, digits: token.digits };
  if (token.type === 'HOTP') {
    // a match at c stores c + 1, which must still fit the bigint column
    const counter = findHotpCounter(secret, otp, {
      ...opts, counter: token.counter, window: token.authWindow, maxCounter: MAX_STORED_HOTP_COUNTER - 1n,
    });
    return counter === null ? null : { counter: counter + 1n, lastStep: token.lastStep, drift: token.drift };
  }
  const step = findTotpStep(secret, otp, { ...opts, period: token.period, timeSeconds: nowSeconds, driftSteps: token.drift, window: token.authWindow });
  if (step === null || (token.lastStep !== null && step <= token.lastStep)) return null;
  return { counter: token.counter, lastStep: step, drift: step - totpStep(nowSeconds, token.period) };
}
