import type { Db } from '../../db';
import type { Caller, CallerLookup, Scope } from '../../contract/method';
import { generateSecret, keyedHash, memoryKey } from '../../domain/crypto/secrets';
import { AppError, E } from '../../errors';
import { FieldMap, SearchParams, searchPage } from '../query/search-query';

export const SCOPES: readonly Scope[] = [
  'admin', 'directory', 'token:read', 'token:write', 'token:credential', 'auth:verify',
  'user:token', 'device', 'template', 'audit:read',
];

export interface NewApiKey { name: string; scopes: string[]; identity?: string | null; expiresAt?: string | null }

/** Creates a key; the clear key is returned here only, the database keeps its keyed hash. */
export async function createApiKey(db: Db, pepper: Buffer, attrs: NewApiKey, key = generateSecret('tgk')) {
  const [row] = await db.rows(
    `INSERT INTO api_keys (name, key_hash, scopes, identity, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [attrs.name, keyedHash(pepper, key), attrs.scopes, attrs.identity ?? null, attrs.expiresAt ?? null],
  );
  return { id: row.id as string, key };
}

/**
 * An API key as the gateway checks it: cached under a memory key of it (a hit computes no
 * keyed hash); the lookup is one indexed query by its keyed hash, where revoked and expired
 * keys are simply not found. The expiry comes back too, so a cached key stops at its own expiresAt.
 */
export function apiKeyLookup(db: Db, pepper: Buffer, key: string): CallerLookup {
  return {
    cacheKey: `apikey ${memoryKey(key)}`,
    find: async () => {
      const [row] = await db.hot(API_KEY_CALLER_SQL, [keyedHash(pepper, key)]);
      if (!row) return null;
      const caller: Caller = { kind: 'apikey', id: row.id, name: row.name, scopes: row.scopes, identity: row.identity };
      return { caller, expiresAt: row.expires_at };
    },
  };
}

/** $1 the key's keyed hash; revoked and expired keys are not found. A hot statement: every uncached caller runs it. */
const API_KEY_CALLER_SQL = `
  SELECT id, name, scopes, identity, expires_at FROM api_keys
   WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`;

const FIELDS: FieldMap = {
  id: { column: 'id', type: 'uuid' },
  name: { column: 'name', type: 'text' },
  identity: { column: 'identity', type: 'text' },
  createdAt: { column: 'created_at', type: 'time' },
  expiresAt: { column: 'expires_at', type: 'time' },
  revokedAt: { column: 'revoked_at', type: 'time' },
};

export function searchApiKeys(db: Db, params: SearchParams) {
  return searchPage(db, {
    select: 'id, name, scopes, identity, created_at AS "createdAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"',
    from: 'api_keys', fields: FIELDS, defaultOrder: 'created_at, id',
  }, params);
}

export async function revokeApiKey(db: Db, id: string) {
  const [row] = await db.rows(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id, revoked_at AS "revokedAt"`, [id],
  );
  if (!row) throw AppError.of(E.NOT_FOUND, { id });
  return { id: row.id as string, revokedAt: row.revokedAt as Date };
}

/** First start of an empty database: one admin key, given (automation) or generated. */
export async function ensureFirstAdminKey(db: Db, pepper: Buffer, given: string | undefined): Promise<string | null> {
  const [{ count }] = await db.rows('SELECT count(*)::int AS count FROM api_keys');
  if (count > 0) return null;
  const { key } = await createApiKey(db, pepper, { name: 'first admin', scopes: ['admin'] }, given);
  return key;
}
