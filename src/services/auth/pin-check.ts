import type { EntityManager } from 'typeorm';
import { sql } from '../../db/sql';
import { hashPassword, needsRehash, verifyPassword } from '../../domain/crypto/password-hash';

/**
 * The PIN of an assignment, the one place /auth/verify checks it. A PIN set on the
 * assignment is required. It is checked whether or not the OTP matches, so the time
 * taken does not tell a right OTP with a wrong PIN from a wrong OTP.
 */
export async function pinMatches(pinHash: string | null, pin: string | undefined): Promise<boolean> {
  if (!pinHash) return true;
  return verifyPassword(pin ?? '', pinHash);
}

/**
 * Batch-assigned PINs are hashed at a low scrypt cost (batch-assign/pin-hasher.ts); the
 * first successful verify, which has the PIN in hand, stores it at the default cost.
 */
export async function upgradePinHash(db: EntityManager, pinHash: string | null, tokenId: string, userId: string, pin: string | undefined): Promise<void> {
  if (!pinHash || !needsRehash(pinHash)) return;
  await sql(db, 'UPDATE token_assignments SET pin_hash = $3 WHERE token_id = $1 AND user_id = $2 AND pin_hash = $4',
    [tokenId, userId, await hashPassword(pin ?? ''), pinHash]);
}
