import type { Db } from '../../db';
import type { Caller } from '../../contract/method';
import { AppError, E } from '../../errors';
import { newIdentityAddress } from './ids';

export async function createIdentity(db: Db, attrs: { name?: string | null } = {}) {
  const [row] = await db.rows('INSERT INTO identities (address, name) VALUES ($1, $2) RETURNING address',
    [newIdentityAddress(), attrs.name ?? null]);
  return { address: row.address as string };
}

/**
 * The template methods act as an identity: the one the caller's API key is bound to.
 * A key without one (even an admin key) cannot own or load templates → FORBIDDEN,
 * saying how to fix it; so does a key bound to an address this server never issued.
 */
export async function requireCallerIdentity(db: Db, caller: Caller): Promise<string> {
  const address = caller.kind === 'apikey' ? caller.identity : null;
  if (!address) {
    throw AppError.of(E.FORBIDDEN, { reason: 'NO_IDENTITY' },
      'The template methods act as an identity: use an API key bound to one (apikey create --identity ADDRESS)');
  }
  const [known] = await db.rows('SELECT 1 FROM identities WHERE address = $1', [address]);
  if (!known) {
    throw AppError.of(E.FORBIDDEN, { reason: 'UNKNOWN_IDENTITY' },
      'The API key is bound to an identity this server does not know (create it with /identity/create)');
  }
  return address;
}
