import type { EntityManager } from 'typeorm';
import type { Caller } from '../../contract/method';
import { sql } from '../../db/sql';
import { generateSecret } from '../../domain/crypto/secrets';
import { AppError, E } from '../../errors';
import { accessibleDevice, accessorOf } from './device-access';
import { canonicalUuid, deviceTokenHash } from './device-auth';

/**
 * Meshblu's resetToken: a new root token replaces the old one, which stops working from
 * this commit on (open sockets signed in with it included). Session tokens stay, as in
 * Meshblu. One UPDATE checks the target with its whitelist and stores the new hash, so a
 * missing and a forbidden target do the same work and end in the same DEVICE_NOT_FOUND.
 */
export async function resetRootToken(db: EntityManager, pepper: Buffer, caller: Caller, uuid: string) {
  const target = canonicalUuid(uuid)!;
  const token = generateSecret('tgd');
  const [row] = await sql(db,
    `UPDATE devices d SET root_token_hash = $3, updated_at = now() WHERE ${accessibleDevice('update', 2)} RETURNING d.uuid`,
    [target, accessorOf(caller), deviceTokenHash(pepper, target, token)],
  );
  if (!row) throw AppError.of(E.DEVICE_NOT_FOUND);
  return { uuid: target, token };
}
