import type { Db } from '../../db';
import { hashPassword } from '../../domain/crypto/password-hash';
import { AppError, E } from '../../errors';

/**
 * Token ↔ user assignments. A token has at most one owner (DualShield's "assigned user")
 * and any number of shared users; each assignment carries its own PIN hash and status.
 */
export type AssignmentRole = 'owner' | 'shared';

export interface NewAssignment {
  tokenId: string;
  userId: string;
  role: AssignmentRole;
  /** already hashed with hashPin, or null for no PIN */
  pinHash: string | null;
  status?: 'ACTIVE' | 'DISABLED';
}

/** scrypt, as every PIN and password (SPEC section 4). */
export function hashPin(pin: string): Promise<string> {
  return hashPassword(pin);
}

/**
 * One set-based INSERT for any number of assignments. A token that already has an owner,
 * or a user who already holds the token, violates a unique index: that becomes
 * TOKEN_ALREADY_ASSIGNED rather than a generic CONFLICT.
 */
export async function insertAssignments(db: Db, rows: NewAssignment[]): Promise<void> {
  if (rows.length === 0) return;
  try {
    await db.rows(
      `INSERT INTO token_assignments (token_id, user_id, role, pin_hash, status)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])`,
      [rows.map((r) => r.tokenId), rows.map((r) => r.userId), rows.map((r) => r.role),
        rows.map((r) => r.pinHash), rows.map((r) => r.status ?? 'ACTIVE')],
    );
  } catch (err) {
    if ((err as { code?: string }).code === '23505') throw AppError.of(E.TOKEN_ALREADY_ASSIGNED);
    throw err;
  }
}

/**
 * Assigns one token to one user after checking the rules callers should hear about by name:
 * the token's owner slot must be free unless the user is added as a shared user, and a
 * user cannot hold the same token twice. The caller holds the token row lock.
 */
export async function assignToken(
  db: Db,
  input: { tokenId: string; userId: string; pin?: string | null; shared?: boolean },
): Promise<{ role: AssignmentRole }> {
  const existing = await db.rows<{ userId: string; role: AssignmentRole }>(`SELECT user_id AS "userId", role FROM token_assignments WHERE token_id = $1`, [input.tokenId]);
  if (existing.some((a) => a.userId === input.userId)) {
    throw AppError.of(E.TOKEN_ALREADY_ASSIGNED, { reason: 'the user already holds this token' });
  }
  const role: AssignmentRole = input.shared ? 'shared' : 'owner';
  if (role === 'owner' && existing.some((a) => a.role === 'owner')) {
    throw AppError.of(E.TOKEN_ALREADY_ASSIGNED, { reason: 'the token already has an owner; pass shared: true to share it' });
  }
  const pinHash = input.pin ? await hashPin(input.pin) : null;
  await insertAssignments(db, [{ tokenId: input.tokenId, userId: input.userId, role, pinHash }]);
  return { role };
}

/** Removes one user's assignment; false when that user did not hold the token. */
export async function unassignToken(db: Db, tokenId: string, userId: string): Promise<boolean> {
  return (await db.count(`DELETE FROM token_assignments WHERE token_id = $1 AND user_id = $2`, [tokenId, userId])) > 0;
}
