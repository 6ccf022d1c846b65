import type { Db } from '../../db';
import type { Caller } from '../../contract/method';
import { generateSecret } from '../../domain/crypto/secrets';
import { AppError, E } from '../../errors';
import { countAttempts, deviceFailureBucket, JoinedLimitState, joinRateLimitState, RateLimit, throwIfOverLimit } from '../rate-limit';
import { accessibleDevice, accessorOf } from './device-access';
import { canonicalUuid, deviceTokenHash, validDeviceTokenSql } from './device-auth';
import { loadDevice } from './device-registry';

export interface SessionTokenOptions { tag?: string; expiresOn?: Date | null }

/**
 * A new session token for a device the caller may update. Whatever the outcome, the
 * same work runs: make the secret, hash it, one INSERT … SELECT that both checks the
 * target with its whitelist and stores the token. A missing and a forbidden target
 * insert nothing and end in the same DEVICE_NOT_FOUND, with no query in between.
 */
export async function issueSessionToken(db: Db, pepper: Buffer, caller: Caller, uuid: string, opts: SessionTokenOptions = {}) {
  const target = canonicalUuid(uuid)!;
  const token = generateSecret('tgd');
  const [row] = await db.rows<{ createdAt: Date; tag: string | null; expiresOn: Date | null }>(`INSERT INTO device_tokens (hash, uuid, tag, expires_on)
     SELECT $3, d.uuid, $4, $5 FROM devices d WHERE ${accessibleDevice('update', 2)}
     RETURNING created_at AS "createdAt", tag, expires_on AS "expiresOn"`,
    [target, accessorOf(caller), deviceTokenHash(pepper, target, token), opts.tag ?? null, opts.expiresOn ?? null],
  );
  if (!row) throw AppError.of(E.DEVICE_NOT_FOUND);
  return { uuid: target, token, ...row };
}

/** expiresOn as Meshblu clients send it: an ISO date-time or epoch milliseconds; never in the past. */
export function expiryFrom(expiresOn: string | number | null | undefined): Date | null {
  if (expiresOn === undefined || expiresOn === null) return null;
  const at = new Date(expiresOn);
  if (Number.isNaN(at.getTime())) throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/expiresOn', message: 'is not a date' }] });
  if (at.getTime() <= Date.now()) throw AppError.of(E.EXPIRES_AT_IN_PAST, { expiresOn: at.toISOString() });
  return at;
}

/** Expired tokens of one device are dropped when it gets a new one: no sweeper needed. */
export async function dropExpiredTokens(db: Db, uuid: string): Promise<void> {
  await db.rows('DELETE FROM device_tokens WHERE uuid = $1 AND expires_on <= now()', [uuid]);
}

/**
 * Deletes the session tokens matching `which` ({hash}, {tag} or the metadata {id}) of a device the caller
 * may update; one statement, so the access check and the delete see the same row.
 */
export async function revokeSessionTokens(db: Db, caller: Caller, uuid: string, which: { hash: Buffer } | { tag: string } | { id: string }) {
  const [condition, value] = 'hash' in which ? ['t.hash = $3', which.hash] : 'tag' in which ? ['t.tag = $3', which.tag] : ['t.id = $3::uuid', which.id];
  const [{ found, revoked }] = await db.rows<{ found: number; revoked: number }>(`WITH target AS (SELECT d.uuid FROM devices d WHERE ${accessibleDevice('update', 2)} FOR UPDATE),
          gone AS (DELETE FROM device_tokens t USING target
                    WHERE t.uuid = target.uuid AND ${condition}
                    RETURNING 1)
     SELECT (SELECT count(*) FROM target)::int AS found, (SELECT count(*) FROM gone)::int AS revoked`,
    [canonicalUuid(uuid), accessorOf(caller), value],
  );
  if (!found) throw AppError.of(E.DEVICE_NOT_FOUND);
  return { revoked };
}

export function revokeSessionToken(db: Db, pepper: Buffer, caller: Caller, uuid: string, token: string) {
  const target = canonicalUuid(uuid)!;
  return revokeSessionTokens(db, caller, target, { hash: deviceTokenHash(pepper, target, token) });
}

/** Live session tokens, metadata only: the secret is not stored, so it cannot leak here. */
export async function searchSessionTokens(db: Db, caller: Caller, uuid: string, params: { tag?: string; offset?: number; limit?: number }) {
  const device = await loadDevice(db, caller, uuid, 'update');
  const where = `uuid = $1 AND (expires_on IS NULL OR expires_on > now()) AND ($2::text IS NULL OR tag = $2)`;
  const args = [device.uuid, params.tag ?? null];
  const [{ total }] = await db.rows(`SELECT count(*)::int AS total FROM device_tokens WHERE ${where}`, args);
  const rows = await db.rows(`SELECT id, uuid, tag, created_at AS "createdAt", expires_on AS "expiresOn" FROM device_tokens
      WHERE ${where} ORDER BY created_at, id OFFSET ${params.offset ?? 0} LIMIT ${params.limit ?? 100}`,
    args,
  );
  return { total, rows };
}

/**
 * Whether uuid:token would authenticate (root or live session token), for a device the
 * caller may view; one query, the same predicate as the gateway's device login.
 *
 * An answer to "is this the token?" is a guessing oracle, so a wrong token counts as a
 * failed login of that device would (the gateway's bucket, `failuresPerDevice`): once
 * over the limit, RATE_LIMITED and no answer, whatever the token. The bucket is read in
 * the same statement (this is a hot path), and counted only on a wrong token.
 */
export async function verifyDeviceToken(
  db: Db, pepper: Buffer, caller: Caller, uuid: string, token: string, failuresPerDevice: RateLimit | null,
) {
  const target = canonicalUuid(uuid)!;
  const bucket = deviceFailureBucket(target);
  const [row] = await db.hot<{ valid: boolean } & JoinedLimitState>(`SELECT ${validDeviceTokenSql('$3')} AS valid,
            rate_limit_state.*
       FROM devices d ${joinRateLimitState('$4')} WHERE ${accessibleDevice('view', 2)}`,
    [target, accessorOf(caller), deviceTokenHash(pepper, target, token), bucket],
  );
  if (!row) throw AppError.of(E.DEVICE_NOT_FOUND);
  if (failuresPerDevice) throwIfOverLimit(row, failuresPerDevice);
  if (!row.valid && failuresPerDevice) {
    const [state] = await countAttempts(db, [{ bucket, limit: failuresPerDevice }]);
    // The failure that uses up the limit is still answered; one that raced past the check is not.
    if (state.hits > failuresPerDevice.limit) throw AppError.of(E.RATE_LIMITED, { retryAfter: state.retryAfter });
  }
  return { valid: row.valid };
}
