import type { Db } from '../../db';
import { AppError, E } from '../../errors';

/**
 * Who a user token belongs to, with Droplit's answers: an id that was never issued
 * is ECOSYSTEM_INVALID / USER_INVALID (400); a tombstone (deleted_at set) is
 * ECOSYSTEM_NOT_FOUND / USER_NOT_FOUND (404), and so is a user of another ecosystem.
 * Listing and revoking accept tombstones (`acceptDeleted`), so what a deleted user
 * still holds can be seen and cleaned up; issuing does not.
 */
export async function resolveTokenOwner(
  db: Db, ecosystemId: string, userId: string, opts: { acceptDeleted: boolean },
): Promise<void> {
  const [row] = await db.rows(`
    SELECT d.deleted_at IS NOT NULL AS "domainDeleted", u.id IS NOT NULL AS "userIssued",
           u.deleted_at IS NOT NULL AS "userDeleted", u.domain_id = d.id AS "inDomain"
      FROM domains d LEFT JOIN users u ON u.id = $2
     WHERE d.id = $1`, [ecosystemId, userId]);
  if (!row) throw AppError.of(E.ECOSYSTEM_INVALID, { ecosystemId });
  if (row.domainDeleted && !opts.acceptDeleted) throw AppError.of(E.ECOSYSTEM_NOT_FOUND, { ecosystemId });
  if (!row.userIssued) throw AppError.of(E.USER_INVALID, { id: userId });
  if (!row.inDomain || (row.userDeleted && !opts.acceptDeleted)) throw AppError.of(E.USER_NOT_FOUND, { id: userId });
}
