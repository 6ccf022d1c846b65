import type { EntityManager } from 'typeorm';
import type { Caller } from '../../contract/method';
import { sql } from '../../db/sql';
import { keyedHash } from '../../domain/crypto/secrets';

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
 * A device presenting uuid + token: its root token or a live (unexpired, unrevoked)
 * session token. One query on the primary key and the unique hash.
 */
export async function findCallerByDeviceToken(db: EntityManager, pepper: Buffer, uuid: string, token: string): Promise<Caller | null> {
  const canonical = canonicalUuid(uuid);
  if (!canonical) return null;
  const [row] = await sql(db, VALID_TOKEN_SQL, [canonical, deviceTokenHash(pepper, canonical, token)]);
  return row ? { kind: 'device', uuid: canonical } : null;
}

/** $1 the device uuid, $2 the token hash. Shared with /device/verifyToken. */
export const VALID_TOKEN_SQL = `
  SELECT 1 FROM devices d
   WHERE d.uuid = $1 AND d.unregistered_at IS NULL
     AND (d.root_token_hash = $2
          OR EXISTS (SELECT 1 FROM device_tokens t
                      WHERE t.hash = $2 AND t.uuid = d.uuid AND (t.expires_on IS NULL OR t.expires_on > now())))`;
