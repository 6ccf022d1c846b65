import type { Db } from '../../db';
import { checkPin } from '../../domain/crypto/bulk-pin-hash';
import { hashPassword } from '../../domain/crypto/password-hash';

export interface PinCheck { matches: boolean; rehashDue: boolean }

/**
 * The PIN of an assignment, the one place /auth/verify checks it. A PIN set on the
 * assignment is required. It is checked whether or not the OTP matches, so the time
 * taken does not tell a right OTP with a wrong PIN from a wrong OTP.
 */
export function pinMatches(pepper: Buffer, pinHash: string | null, pin: string | undefined): Promise<PinCheck> {
  return checkPin(pepper, pin, pinHash);
}

/**
 * Bulk PINs are stored as a peppered HMAC (domain/crypto/bulk-pin-hash.ts, SPEC §8); the
 * first successful verify, which has the PIN in hand, stores it with scrypt. The old hash
 * in the WHERE keeps a concurrent change of the PIN from being overwritten.
 */
export async function upgradePinHash(db: Db, pinHash: string, tokenId: string, userId: string, pin: string | undefined): Promise<void> {
  await db.rows('UPDATE token_assignments SET pin_hash = $3 WHERE token_id = $1 AND user_id = $2 AND pin_hash = $4',
    [tokenId, userId, await hashPassword(pin ?? ''), pinHash]);
}
