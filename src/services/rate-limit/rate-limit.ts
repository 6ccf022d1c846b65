import type { Db } from '../../db';
import { AppError, E } from '../../errors';

/** At most `limit` attempts per fixed window of `windowSeconds`. */
export interface RateLimit { readonly limit: number; readonly windowSeconds: number }

/** A bucket after counting: attempts in its current window and seconds until that window ends. */
export interface BucketState { bucket: string; hits: number; retryAfter: number }

/**
 * One statement counts every bucket: a bucket whose window has ended starts a new
 * one at 1, otherwise its count goes up. Concurrent attempts serialize on the row,
 * so no attempt is lost, across any number of server processes.
 */
function countSql(newBuckets: string, returning: string): string {
  return `INSERT INTO rate_limits AS r (bucket, hits, window_ends_at) ${newBuckets}
    ON CONFLICT (bucket) DO UPDATE SET
      hits = CASE WHEN r.window_ends_at <= now() THEN 1 ELSE least(r.hits + 1, 2147483647) END,
      window_ends_at = CASE WHEN r.window_ends_at <= now() THEN excluded.window_ends_at ELSE r.window_ends_at END
    RETURNING ${returning}greatest(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS "retryAfter"`;
}

const COUNT_SQL = countSql('SELECT b, 1, now() + make_interval(secs => w) FROM unnest($1::text[], $2::float8[]) AS t(b, w)', 'bucket, hits, ');

/**
 * COUNT_SQL for one bucket as a CTE named `counted` (hits, "retryAfter"), for a hot path
 * that writes in the same statement anyway: `WITH ${countOneAttemptCte('$1', '$2')}, … `.
 * The placeholders are the statement's for the bucket and the window in seconds.
 */
export function countOneAttemptCte(bucketParam: string, windowSecondsParam: string): string {
  return `counted AS (${countSql(`VALUES (${bucketParam}, 1, now() + make_interval(secs => ${windowSecondsParam}::float8))`, 'hits, ')})`;
}

const PEEK_SQL = `
  SELECT hits, greatest(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS "retryAfter"
    FROM rate_limits WHERE bucket = $1 AND window_ends_at > now()`;

/** Counts one attempt on each bucket (committed at once, outside any call transaction). */
export async function countAttempts(
  db: Db, attempts: readonly { bucket: string; limit: RateLimit }[],
): Promise<BucketState[]> {
  const unique = [...new Map(attempts.map((a) => [a.bucket, a])).values()];
  if (unique.length === 0) return [];
  return db.autonomous<BucketState>(COUNT_SQL, [unique.map((a) => a.bucket), unique.map((a) => a.limit.windowSeconds)]);
}

/**
 * Counts one attempt on `bucket` and throws RATE_LIMITED (data.retryAfter, seconds)
 * when it is over the limit. Call it before checking the credential; the attempt
 * stays counted even when the call fails and its transaction rolls back.
 */
export async function consumeRateLimit(db: Db, bucket: string, limit: RateLimit): Promise<void> {
  const [state] = await countAttempts(db, [{ bucket, limit }]);
  if (state.hits > limit.limit) throw AppError.of(E.RATE_LIMITED, { retryAfter: state.retryAfter });
}

/**
 * Throws RATE_LIMITED when `bucket` has used up its window, without counting. With
 * countAttempts on failure only, this limits failed attempts: check, verify, count.
 */
export async function checkRateLimit(db: Db, bucket: string, limit: RateLimit): Promise<void> {
  const [state] = await db.autonomous<{ hits: number; retryAfter: number }>(PEEK_SQL, [bucket]);
  if (state && state.hits >= limit.limit) throw AppError.of(E.RATE_LIMITED, { retryAfter: state.retryAfter });
}

/**
 * Forgets buckets, in the caller's transaction: a success (or an operator's reset)
 * clears the failures that led up to it, as it clears a token's fail count.
 */
export async function clearRateLimits(db: Db, buckets: readonly string[]): Promise<void> {
  if (buckets.length > 0) await db.rows('DELETE FROM rate_limits WHERE bucket = ANY($1::text[])', [buckets]);
}

/** What joinRateLimitState adds to a row: the bucket's attempts in its live window, if any. */
export interface JoinedLimitState { limitHits: number | null; limitRetryAfter: number | null }

/**
 * checkRateLimit's look-up as a join, for a hot path that runs a statement anyway: one
 * round trip instead of two. Adds the columns of JoinedLimitState; `bucketParam` is the
 * statement's placeholder for the bucket ("$4"). Check the row with throwIfOverLimit.
 */
export function joinRateLimitState(bucketParam: string): string {
  return `LEFT JOIN LATERAL (
    SELECT hits AS "limitHits", greatest(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS "limitRetryAfter"
      FROM rate_limits WHERE bucket = ${bucketParam} AND window_ends_at > now()) AS rate_limit_state ON true`;
}

/** checkRateLimit's verdict on a row joined with joinRateLimitState. */
export function throwIfOverLimit(state: JoinedLimitState, limit: RateLimit): void {
  if (state.limitHits !== null && state.limitHits >= limit.limit) throw AppError.of(E.RATE_LIMITED, { retryAfter: state.limitRetryAfter });
}
