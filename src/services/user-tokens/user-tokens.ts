import type { Db } from '../../db';
import { generateSecret, keyedHash } from '../../domain/crypto/secrets';
import { AppError, E } from '../../errors';
import { resolveTokenOwner } from './token-owner';

export type ExpiryType = 'Infinite' | 'FixedTtl' | 'SlidingTtl';
export interface NewUserToken { ecosystemId: string; id: string; expiryType: ExpiryType; ttl: number }
export interface OwnerParams { ecosystemId: string; id: string; offset?: number; limit?: number }

/**
 * When a token works, in one place: not revoked, not expired, its user and ecosystem
 * not deleted, the user ACTIVE and still in the ecosystem it was issued for.
 * Expects the aliases t (user_tokens), u (users), d (domains).
 */
const ACTIVE = `t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
  AND u.id = t.user_id AND u.domain_id = t.domain_id AND u.deleted_at IS NULL AND u.status = 'ACTIVE'
  AND d.id = t.domain_id AND d.deleted_at IS NULL`;

/**
 * How stale a token's recorded last use may be before a verify writes it again: a second,
 * or a tenth of the token's ttl when that is shorter. A verify within it changes nothing, so
 * a token checked on every request of a busy client costs a read, not a new row version and
 * its WAL, and concurrent checks of one token do not queue on its row lock. What it gives
 * up: lastUsedAt is exact to this much, and a SlidingTtl token's expiry may lag "last use +
 * ttl" by as much (ttl is whole seconds; a token slid every half second with ttl 1 lives on).
 */
const USE_RECORDED = `t.last_used_at > now() - least(interval '1 second', t.ttl_seconds * interval '100 milliseconds')`;

/**
 * Checks and uses a token in ONE statement. `hit` reads it; `slid` writes the use (and a
 * sliding expiry) only when the recorded one is older than USE_RECORDED allows. The row lock
 * that UPDATE takes, with greatest(), keeps the expiry (and last use) from moving backwards
 * when a verify that started earlier commits later, also across server processes; a verify
 * that finds the use recently recorded answers the stored expiry, no later than the writer's.
 */
export const VERIFY_USER_TOKEN_SQL = `
  WITH hit AS (
    SELECT t.id, t.user_id, t.domain_id, t.expiry_type, t.expires_at
      FROM user_tokens t, users u, domains d
     WHERE t.token_hash = $1 AND ${ACTIVE}
  ), slid AS (
    UPDATE user_tokens t
       SET last_used_at = greatest(t.last_used_at, now()),
           expires_at = CASE WHEN t.expiry_type = 'SlidingTtl'
                             THEN greatest(t.expires_at, now() + t.ttl_seconds * interval '1 second')
                             ELSE t.expires_at END
      FROM hit
     WHERE t.id = hit.id AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
       AND NOT coalesce(${USE_RECORDED}, false)
    RETURNING t.expires_at
  )
  SELECT hit.user_id AS "userId", hit.domain_id AS "ecosystemId", hit.expiry_type AS "expiryType",
         coalesce((SELECT expires_at FROM slid), hit.expires_at) AS "expiresAt"
    FROM hit`;

/**
 * Issues a token; the clear token is returned here only, the database keeps its keyed hash.
 * maxTtl: TOKENGATE_USER_TOKEN_MAX_TTL (the schema caps ttl at the column's range only).
 */
export async function createUserToken(db: Db, pepper: Buffer, p: NewUserToken, maxTtl: number): Promise<{ token: string }> {
  if (p.ttl > maxTtl) {
    throw AppError.of(E.TOKEN_DURATION_INVALID, { errors: [{ path: '/ttl', message: `must be <= ${maxTtl}` }] });
  }
  await resolveTokenOwner(db, p.ecosystemId, p.id, { acceptDeleted: false });
  const token = generateSecret('tgu');
  const ttl = p.expiryType === 'Infinite' ? null : p.ttl;
  await db.rows(
    `INSERT INTO user_tokens (token_hash, user_id, domain_id, expiry_type, ttl_seconds, expires_at)
     VALUES ($1, $2, $3, $4, $5::int, now() + $5::int * interval '1 second')`,
    [keyedHash(pepper, token), p.id, p.ecosystemId, p.expiryType, ttl],
  );
  return { token };
}

export type Introspection =
  | { active: true; userId: string; ecosystemId: string; expiryType: ExpiryType; expiresAt: Date | null }
  | { active: false };

/** RFC 7662-style: anything that is not a working token is just {active: false}. */
export async function verifyUserToken(db: Db, pepper: Buffer, token: string): Promise<Introspection> {
  const [row] = await db.hot(VERIFY_USER_TOKEN_SQL, [keyedHash(pepper, token)]);
  return row ? { active: true, ...row } : { active: false };
}

/** Metadata of a user's tokens, newest last; never the token or its hash. */
export async function listUserTokens(db: Db, p: OwnerParams) {
  await resolveTokenOwner(db, p.ecosystemId, p.id, { acceptDeleted: true });
  const mine = 't.user_id = $1 AND t.domain_id = $2';
  const [{ total }] = await db.rows(`SELECT count(*)::int AS total FROM user_tokens t WHERE ${mine}`, [p.id, p.ecosystemId]);
  const rows = await db.rows(`
    SELECT t.id, t.expiry_type AS "expiryType", t.ttl_seconds AS ttl, t.created_at AS "createdAt",
           t.expires_at AS "expiresAt", t.last_used_at AS "lastUsedAt", t.revoked_at AS "revokedAt",
           coalesce(${ACTIVE}, false) AS active
      FROM user_tokens t JOIN users u ON u.id = t.user_id JOIN domains d ON d.id = t.domain_id
     WHERE ${mine}
     ORDER BY t.created_at, t.id OFFSET $3 LIMIT $4`, [p.id, p.ecosystemId, p.offset ?? 0, p.limit ?? 100]);
  return { total, rows };
}

/** Revoking counts only tokens it stopped: already revoked or expired ones are left as they are. */
const STILL_USABLE = 'revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())';

export async function revokeUserToken(db: Db, tokenId: string): Promise<{ revoked: number }> {
  const revoked = await db.count(`UPDATE user_tokens SET revoked_at = now() WHERE id = $1 AND ${STILL_USABLE}`, [tokenId]);
  if (revoked === 0) {
    const [known] = await db.rows('SELECT 1 FROM user_tokens WHERE id = $1', [tokenId]);
    if (!known) throw AppError.of(E.TOKEN_NOT_FOUND, { tokenId });
  }
  return { revoked };
}

export async function revokeUserTokens(db: Db, p: OwnerParams): Promise<{ revoked: number }> {
  await resolveTokenOwner(db, p.ecosystemId, p.id, { acceptDeleted: true });
  const revoked = await db.count(`UPDATE user_tokens SET revoked_at = now() WHERE user_id = $1 AND domain_id = $2 AND ${STILL_USABLE}`, [p.id, p.ecosystemId]);
  return { revoked };
}
