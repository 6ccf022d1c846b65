import type { Db } from '../../db';
import { usernameKey } from '../../domain/names/username-key';
import type { UserRef } from '../directory/refs';
import { tokenRowFrom, TokenRow } from '../tokens/token-refs';
import { verifyFailureBucket } from './verify-failures';

/** What the decision needs of a token, and no more: every column is parsed on every call. */
export type Candidate = Pick<TokenRow,
  'id' | 'serial' | 'type' | 'algorithm' | 'digits' | 'period' | 'authWindow' | 'counter' | 'drift' | 'lastStep' | 'locked' | 'seedSealed'
> & { pinHash: string | null };

/** Candidate's columns; the counter as text, as TOKEN_ROW_COLUMNS reads it (64-bit, see token-refs.ts). */
const CANDIDATE_COLUMNS = `t.id, t.serial, p.type, t.algorithm, t.digits, t.period, p.auth_window AS "authWindow",
  t.counter::text AS counter, t.drift, t.last_step::float8 AS "lastStep", t.locked, t.seed_sealed AS "seedSealed",
  a.pin_hash AS "pinHash"`;

/** Everything /auth/verify decides on, as of one snapshot. */
export interface VerifySnapshot {
  /** null when the reference names no live user */
  user: { id: string; status: string; domainId: string } | null;
  /** the user's failed-verification bucket (verify-failures.ts) */
  bucket: string;
  /** that bucket's live window, if any */
  failures: { hits: number; retryAfter: number } | null;
  /** ACTIVE tokens on ACTIVE assignments of an ACTIVE user, in id order */
  candidates: Candidate[];
}

/** An id no user has: the snapshot of a name its directory does not know. */
const NOBODY = '00000000-0000-0000-0000-000000000000';

const LIVE = 'u.deleted_at IS NULL AND d.deleted_at IS NULL';

/**
 * The user by id, or by loginName in a domain named by id or name, on the names' keys
 * (as directory/refs.ts findUser does): the condition and its parameters from $2 on.
 */
function whoOf(ref: UserRef): { byId: boolean; params: unknown[] } {
  if (ref.id) return { byId: true, params: [ref.id] };
  const loginName = ref.loginName ?? ref.loginNam;
  return {
    byId: false,
    params: [loginName === undefined ? null : usernameKey(loginName), ref.domain?.id ?? '', ref.domain?.name === undefined ? null : usernameKey(ref.domain.name)],
  };
}

/**
 * ONE statement: the user, the tokens it may verify with (seed, product window and
 * type, PIN of the assignment) and its failure bucket. Always one row at least (the
 * LEFT JOINs), so an unknown user still answers its bucket's state. No row locks: the
 * decision is made in node and committed by compare-and-set (verify-otp.ts).
 * $1 is the bucket of a reference that names no user.
 */
function snapshotSql(who: string): string {
  return `
    WITH who AS (SELECT u.id, u.status, u.domain_id FROM users u JOIN domains d ON d.id = u.domain_id WHERE ${who} LIMIT 1)
    SELECT who.id AS "userId", who.status AS "userStatus", who.domain_id AS "domainId", ${CANDIDATE_COLUMNS},
           failures.hits, failures."retryAfter"
      FROM (SELECT 1) AS one
      LEFT JOIN who ON true
      LEFT JOIN (token_assignments a JOIN tokens t ON t.id = a.token_id AND t.status = 'ACTIVE' JOIN products p ON p.id = t.product_id)
             ON a.user_id = who.id AND a.status = 'ACTIVE' AND who.status = 'ACTIVE'
      LEFT JOIN LATERAL (
        SELECT hits, greatest(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS "retryAfter"
          FROM rate_limits WHERE bucket = coalesce('verify-fail:user:' || who.id::text, $1) AND window_ends_at > now()
      ) AS failures ON true
     ORDER BY t.id`;
}

/** The two texts, made once: a prepared statement is found by its text on every call (db/prepared-statements.ts). */
const SNAPSHOT_BY_ID = snapshotSql(`u.id = $2::uuid AND ${LIVE}`);
const SNAPSHOT_BY_NAME = snapshotSql(`u.login_name_key = $2 AND ${LIVE} AND (d.id::text = $3 OR d.name_key = $4)`);

/**
 * The snapshot statement for `ref` and its parameters. `userId`: the user a directory
 * domain's resolver found for `ref` (null: nobody, so the snapshot finds no user and
 * answers the bucket of the name as given).
 */
export function verifySnapshotSql(ref: UserRef, userId?: string | null): { text: string; params: unknown[] } {
  const who = userId === undefined ? whoOf(ref) : { byId: true, params: [userId ?? NOBODY] };
  return { text: who.byId ? SNAPSHOT_BY_ID : SNAPSHOT_BY_NAME, params: [verifyFailureBucket(undefined, ref), ...who.params] };
}

/** Runs verifySnapshotSql. */
export async function loadVerifySnapshot(db: Db, ref: UserRef, userId?: string | null): Promise<VerifySnapshot> {
  const { text, params } = verifySnapshotSql(ref, userId);
  const rows = await db.hot<Omit<Candidate, 'counter'> & {
    counter: string; userId: string | null; userStatus: string | null; domainId: string | null; hits: number | null; retryAfter: number | null;
  }>(text, params);
  const [first] = rows;
  const user = first.userId ? { id: first.userId, status: first.userStatus!, domainId: first.domainId! } : null;
  return {
    user,
    bucket: verifyFailureBucket(user?.id, ref),
    failures: first.hits === null ? null : { hits: first.hits, retryAfter: first.retryAfter! },
    candidates: rows.filter((r) => r.id !== null).map(({ userId: _u, userStatus: _s, domainId: _d, hits: _h, retryAfter: _r, ...token }) => tokenRowFrom(token)),
  };
}
