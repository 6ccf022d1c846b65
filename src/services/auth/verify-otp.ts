import type { Db } from '../../db';
import type { ServerKeys } from '../../contract/method';
import { otpType, OtpState } from '../../domain/otp';
import { AppError, E } from '../../errors';
import type { UserRef } from '../directory/refs';
import type { ResolvedDomain, UserResolver } from '../directory/user-resolver';
import { countOneAttemptCte, RateLimit } from '../rate-limit';
import { unsealSeed } from '../tokens/token-seeds';
import { PinCheck, pinMatches, upgradePinHash } from './pin-check';
import { Candidate, loadVerifySnapshot, VerifySnapshot } from './verify-candidates';

export interface VerifyInput { user: UserRef; credential: { otp: string; pin?: string } }

export interface VerifyOptions {
  nowSeconds?: number;
  /** Runs between the decision and its compare-and-set; tests use it to lose the race on purpose. */
  beforeCommit?: () => Promise<void>;
}

/** Lost races in a row before a matching code is given up on (each one means another call changed the token). */
const MAX_ROUNDS = 8;

/**
 * /auth/verify in one or two round trips, with no transaction and no row lock:
 *
 * 1. one SELECT reads the user, its candidate tokens and its failure bucket
 *    (verify-candidates.ts); the OTP and PIN are checked in node;
 * 2. a match commits with a compare-and-set UPDATE that holds only if the token's counter
 *    and last step are still what was read, it is not locked, and the user is not over
 *    the failure limit. Losing that race (another call, in any process, moved the token
 *    first) starts over from a fresh snapshot, where the code no longer matches: of 20
 *    calls with one OTP exactly one succeeds, as with row locks;
 * 3. a failure is one statement too: it counts the user's bucket (the atomic upsert of
 *    rate-limit.ts) and, only when that stays within the limit, the tokens' fail_count
 *    (maybe locking them); so concurrent wrong codes get exactly `limit` AUTH_FAILED.
 *
 * In every order of concurrent calls, the answers are those of some one-at-a-time order:
 * over the limit (or with every token locked) no code is accepted, a success needs the
 * limit not used up at the moment it commits, and a step or counter is used once.
 * A success with no failures before it writes nothing to rate_limits.
 */
export function verifyUserOtp(
  db: Db, keys: ServerKeys, users: UserResolver, input: VerifyInput, failuresPerUser: RateLimit | null, opts: VerifyOptions = {},
) {
  return verifyWith(db, keys, users, input.user, () => input.credential, failuresPerUser, opts)
    .then((r) => ({ verified: true as const, serial: (r as { serial: string }).serial }));
}

/**
 * What a caller presents to one candidate token: its OTP, and its PIN (`null`: the PIN was
 * checked already, by an earlier step of the same login: RADIUS challenge-response).
 * `asksPin`: whether this token's domain wants a PIN with it (the token's own, or the
 * directory password), so a combined password is split only then.
 * /auth/verify gives the same to every token; RADIUS splits one password by each token's digits.
 */
export type CredentialFor = (token: Candidate, asksPin: boolean) => { otp: string; pin?: string | null };

export interface VerifyWithOptions extends VerifyOptions {
  /** Only these tokens are tried (a RADIUS State names the tokens whose PIN it checked). */
  onlyTokens?: readonly string[];
  /**
   * Asked when no open token matched, before the failure is counted: a non-null answer is
   * returned instead, and nothing is counted (RADIUS: the password was exactly the PIN).
   * `pins` checks a PIN as this user's domain does (pinSource), so no caller checks one
   * any other way.
   */
  beforeFailure?: (open: Candidate[], pins: DomainPins) => Promise<NoMatchAnswer | null>;
}

export interface NoMatchAnswer { pinOnly: true; tokenIds: string[] }

/** How the user's domain asks for and checks a PIN: whether `token` wants one, and whether `pin` is it. */
export interface DomainPins { asks: (token: Candidate) => boolean; check: PinCheckFor }

/** The rules of /auth/verify for any way of presenting a credential (see the comment above verifyUserOtp). */
export async function verifyWith(
  db: Db, keys: ServerKeys, users: UserResolver, ref: UserRef, credentialFor: CredentialFor, failuresPerUser: RateLimit | null,
  opts: VerifyWithOptions = {},
): Promise<{ verified: true; serial: string; userId: string } | (NoMatchAnswer & { userId: string })> {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { snapshot, domain, dn } = await snapshotOf(db, users, ref);
    if (failuresPerUser && snapshot.failures && snapshot.failures.hits >= failuresPerUser.limit) {
      throw AppError.of(E.RATE_LIMITED, { retryAfter: snapshot.failures.retryAfter });
    }
    const { user, candidates } = snapshot;
    if (!user || user.status !== 'ACTIVE') return failed(db, snapshot, [], failuresPerUser);
    const tried = opts.onlyTokens ? candidates.filter((c) => opts.onlyTokens!.includes(c.id)) : candidates;
    const open = tried.filter((c) => !c.locked);
    if (open.length === 0) {
      if (tried.length > 0) throw AppError.of(E.AUTH_LOCKED);
      return failed(db, snapshot, [], failuresPerUser);
    }

    const pins: DomainPins = {
      asks: (token) => (domain?.pinSource === 'directory' ? true : domain?.pinSource === 'none' ? false : token.pinHash !== null),
      check: pinCheckFor(keys, users, domain, dn),
    };
    const match = await firstMatch(open, keys, (token) => credentialFor(token, pins.asks(token)), opts.nowSeconds ?? Date.now() / 1000, pins.check);
    if (!match) {
      const instead = await opts.beforeFailure?.(open, pins);
      if (instead) return { ...instead, userId: user.id };
      return failed(db, snapshot, open, failuresPerUser);
    }
    await opts.beforeCommit?.();
    if (!(await commitMatch(db, match.token, match.next, snapshot, failuresPerUser))) continue; // lost the race: look again

    if (match.pin.rehashDue && match.token.pinHash) await upgradePinHash(db, match.token.pinHash, match.token.id, user.id, match.credential.pin ?? undefined);
    // a success clears the failures before it, as it clears the token's fail count
    if (snapshot.failures) await db.rows('DELETE FROM rate_limits WHERE bucket = $1', [snapshot.bucket]);
    return { verified: true as const, serial: match.token.serial, userId: user.id };
  }
  throw AppError.of(E.AUTH_FAILED);
}

const PIN_NOT_ASKED: PinCheck = { matches: true, rehashDue: false };
const PIN_UNCHECKED: PinCheck = { matches: false, rehashDue: false };
const DIGITS = /^[0-9]+$/;

export type PinCheckFor = (token: Candidate, pin: string | undefined) => Promise<PinCheck>;

/**
 * How a PIN is checked in this user's domain: the token's own (pinSource "token"), not at all
 * ("none"), or the user's directory password, one bind as the user per distinct PIN part
 * ("directory"; an outage answers 503 before anything is counted).
 */
function pinCheckFor(keys: ServerKeys, users: UserResolver, domain: ResolvedDomain | null, dn: string | undefined): PinCheckFor {
  if (domain?.pinSource === 'none') return () => Promise.resolve(PIN_NOT_ASKED);
  if (domain?.pinSource !== 'directory') return (token, pin) => pinMatches(keys.pepper, token.pinHash, pin);
  // A user has one directory password: once a string matched, any other is known wrong
  // without a bind (RADIUS's challenge check after a right PIN and a wrong OTP would
  // otherwise count a failed login in the directory, towards locking the account).
  const binds = new Map<string, Promise<boolean>>();
  let matched: string | undefined;
  return async (_token, pin) => {
    const key = pin ?? '';
    if (matched !== undefined) return { matches: key === matched, rehashDue: false };
    if (!binds.has(key)) binds.set(key, users.checkDirectoryPassword(domain, dn, pin));
    const matches = await binds.get(key)!;
    if (matches) matched = key;
    return { matches, rehashDue: false };
  };
}

/**
 * The snapshot of the user `ref` names. A local domain's reference goes straight into the
 * one SELECT (the domain's kind is cached in the resolver: no query for it). A directory
 * domain's name is resolved first (cached for its cacheSeconds) and the snapshot is read by
 * the id it gives; a user named by id in a directory domain must still be in the directory.
 */
async function snapshotOf(db: Db, users: UserResolver, ref: UserRef): Promise<{ snapshot: VerifySnapshot; domain: ResolvedDomain | null; dn?: string }> {
  if (!ref.id) {
    const domain = await users.domain(db, ref.domain ?? {});
    if (!domain?.directory) return { snapshot: await loadVerifySnapshot(db, ref), domain };
    const found = await users.lookup(db, ref);
    return { snapshot: await loadVerifySnapshot(db, ref, found?.id ?? null), domain, dn: found?.dn };
  }
  const snapshot = await loadVerifySnapshot(db, ref);
  if (!snapshot.user) return { snapshot, domain: null };
  const domain = await users.domain(db, { id: snapshot.user.domainId });
  if (!domain?.directory) return { snapshot, domain };
  const found = await users.lookup(db, ref);
  return found ? { snapshot, domain, dn: found.dn } : { snapshot: await loadVerifySnapshot(db, ref, null), domain };
}

/** The first open token whose PIN and OTP both match; every token's PIN is checked (see pin-check.ts). */
async function firstMatch(
  open: Candidate[], keys: ServerKeys, credentialFor: (token: Candidate) => ReturnType<CredentialFor>, nowSeconds: number, pinOf: PinCheckFor,
) {
  for (const token of open) {
    const credential = credentialFor(token);
    // An OTP part that is not digits can match no token: its PIN is not checked (no scrypt,
    // no directory bind counted as a failed login), which tells nothing secret.
    const pin = credential.pin === null ? PIN_NOT_ASKED : !DIGITS.test(credential.otp) ? PIN_UNCHECKED : await pinOf(token, credential.pin);
    const next = otpType(token.type).verify(unsealSeed(keys.masterKey, token.seedSealed, token.id), credential.otp, token, nowSeconds);
    if (pin.matches && next) return { token, next, pin, credential };
  }
  return null;
}

/** $1 token id, $2–$4 the new counter, last step, drift, $5–$6 the counter and last step read, $7 the limit, $8 the bucket. */
export const COMMIT_MATCH_SQL = `
  UPDATE tokens SET counter = $2, last_step = $3, drift = $4, fail_count = 0, last_used_at = now()
   WHERE id = $1 AND counter = $5 AND last_step IS NOT DISTINCT FROM $6::bigint AND NOT locked AND status = 'ACTIVE'
     AND ($7::int IS NULL OR NOT EXISTS (
           SELECT 1 FROM rate_limits WHERE bucket = $8 AND window_ends_at > now() AND hits >= $7::int))
  RETURNING 1 AS ok`;

/**
 * The compare-and-set: stores the new counter / step only if nothing moved since the
 * snapshot and the user's failures have not reached the limit meanwhile. True when it held.
 */
async function commitMatch(db: Db, token: Candidate, next: OtpState, snapshot: VerifySnapshot, limit: RateLimit | null): Promise<boolean> {
  const rows = await db.hot(COMMIT_MATCH_SQL,
  [token.id, next.counter.toString(), next.lastStep, next.drift, token.counter.toString(), token.lastStep, limit?.limit ?? null, snapshot.bucket]);
  return rows.length === 1;
}

/**
 * A failed verification, in one statement. The user's bucket is counted first (in a CTE):
 * the failure that goes over the limit (a concurrent call got there first) answers
 * RATE_LIMITED and leaves the tokens alone. Otherwise every open token tried counts the
 * failure, and the one reaching its product's maxFail locks.
 */
async function failed(db: Db, snapshot: VerifySnapshot, tried: Candidate[], limit: RateLimit | null): Promise<never> {
  const tokenIds = tried.map((t) => t.id);
  if (limit) {
    const [state] = await db.hot<{ hits: number; retryAfter: number }>(`
      WITH ${countOneAttemptCte('$1', '$2')},
           failed AS (${countTokenFailuresSql('$3')} AND (SELECT hits FROM counted) <= $4 RETURNING 1)
      SELECT hits, "retryAfter" FROM counted`, [snapshot.bucket, limit.windowSeconds, tokenIds, limit.limit]);
    if (state.hits > limit.limit) throw AppError.of(E.RATE_LIMITED, { retryAfter: state.retryAfter });
  } else if (tokenIds.length > 0) {
    await db.rows(countTokenFailuresSql('$1'), [tokenIds]);
  }
  throw AppError.of(E.AUTH_FAILED);
}

/** Counts a failure on the tokens `idsParam` names, unless already locked; locks the one reaching maxFail. */
function countTokenFailuresSql(idsParam: string): string {
  return `UPDATE tokens t SET fail_count = t.fail_count + 1, locked = t.fail_count + 1 >= p.max_fail
    FROM products p WHERE p.id = t.product_id AND t.id = ANY(${idsParam}::uuid[]) AND NOT t.locked`;
}
