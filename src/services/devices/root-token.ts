import type { Db } from '../../db';
import type { Caller } from '../../contract/method';
import { generateSecret } from '../../domain/crypto/secrets';
import { AppError, E } from '../../errors';
import { accessibleDevice, accessorOf } from './device-access';
import { canonicalUuid, deviceTokenHash } from './device-auth';

/**
 * Meshblu's resetToken: a new root token replaces the old one, which stops working from
 * this commit on (open sockets signed in with it included). Session tokens stay unless
 * `revokeSessionTokens` (Meshblu HTTP's POST /devices/:uuid/token, SPEC §7: "all other
 * tokens revoked"). One statement checks the target with its whitelist, stores the new
 * hash and drops the session tokens, so a missing and a forbidden target do the same
 * work and end in the same DEVICE_NOT_FOUND.
 */
export async function resetRootToken(db: Db, pepper: Buffer, caller: Caller, uuid: string, opts: { revokeSessionTokens?: boolean } = {}) {
  const target = canonicalUuid(uuid)!;
  const token = generateSecret('tgd');
  const [row] = await db.rows(`WITH reset AS (
       UPDATE devices d SET root_token_hash = $3, updated_at = now() WHERE ${accessibleDevice('update', 2)} RETURNING d.uuid),
     gone AS (DELETE FROM device_tokens t USING reset WHERE $4::boolean AND t.uuid = reset.uuid)
     SELECT uuid FROM reset`,
    [target, accessorOf(caller), deviceTokenHash(pepper, target, token), opts.revokeSessionTokens === true],
  );
  if (!row) throw AppError.of(E.DEVICE_NOT_FOUND);
  return { uuid: target, token };
}
