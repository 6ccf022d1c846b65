import type { Db } from '../../db';
import type { CallerLookup } from '../../contract/method';
import { keyedHash, memoryKey } from '../../domain/crypto/secrets';

// As the schemas' "uuid" format (ajv-formats), which also takes RFC 4122's urn:uuid: prefix.
const UUID = /^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** A uuid as it is stored, compared and hashed: bare and lower case; null when it is not a uuid. */
export function canonicalUuid(value: string): string | null {
  return UUID.exec(value)?.[1].toLowerCase() ?? null;
}

/**
 * Root and session tokens are stored as HMAC(pepper, uuid:token): binding the uuid
 * into the hash means a token is worthless when presented for another device.
 */
export function deviceTokenHash(pepper: Buffer, uuid: string, token: string): Buffer {
  return keyedHash(pepper, `${uuid}:${token}`);
}

/**
 * A device presenting uuid + token, as the gateway checks it: cached under a memory key of
 * both (a hit computes no keyed hash); the lookup accepts its root token or a live
 * (unexpired, unrevoked) session token, in one query on the primary key and the unique
 * hash, and says until when a session token holds. Null when the uuid is not a uuid.
 */
export function deviceTokenLookup(db: Db, pepper: Buffer, uuid: string, token: string): CallerLookup | null {
  const canonical = canonicalUuid(uuid);
  if (!canonical) return null;
  return {
    cacheKey: `device ${memoryKey(`${canonical}:${token}`)}`,
    find: async () => {
      const [row] = await db.hot(DEVICE_CALLER_SQL, [canonical, deviceTokenHash(pepper, canonical, token)]);
      return row ? { caller: { kind: 'device', uuid: canonical }, expiresAt: row.expires_on } : null;
    },
  };
}

/**
 * Whether the token hashed in `hashParam` is device `d`'s root token or one of its live
 * (unexpired) session tokens: the one definition of a valid device credential, used by the
 * gateway's caller look-up and by /device/verifyToken.
 */
export function validDeviceTokenSql(hashParam: string): string {
  return `(d.root_token_hash = ${hashParam} OR EXISTS (
            SELECT 1 FROM device_tokens t
             WHERE t.hash = ${hashParam} AND t.uuid = d.uuid AND (t.expires_on IS NULL OR t.expires_on > now())))`;
}

/** $1 the device uuid, $2 the token hash → one row (expires_on null for the root token) or none. */
const DEVICE_CALLER_SQL = `
  SELECT CASE WHEN d.root_token_hash = $2 THEN NULL
              ELSE (SELECT t.expires_on FROM device_tokens t WHERE t.hash = $2 AND t.uuid = d.uuid) END AS expires_on
    FROM devices d
   WHERE d.uuid = $1 AND d.unregistered_at IS NULL AND ${validDeviceTokenSql('$2')}`;
