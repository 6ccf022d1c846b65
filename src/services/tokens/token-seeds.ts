import { randomBytes } from 'node:crypto';
import type { OtpAlgorithm } from '../../domain/otp';
import { seal, unseal } from '../../domain/crypto/seal';

/**
 * OTP seeds at rest: AES-256-GCM under the master key with the token id as associated
 * data, so a sealed seed copied onto another token's row does not open.
 */
export function sealSeed(masterKey: Buffer, seed: Buffer, tokenId: string): Buffer {
  return seal(masterKey, seed, tokenId);
}

export function unsealSeed(masterKey: Buffer, sealed: Buffer, tokenId: string): Buffer {
  return unseal(masterKey, sealed, tokenId);
}

/** RFC 4226 §4 asks for at least 128 bits; we use the hash's output size (20/32/64 bytes), as RFC 6238's vectors do. */
const SEED_BYTES: Record<OtpAlgorithm, number> = { SHA1: 20, SHA256: 32, SHA512: 64 };

export function generateSeed(algorithm: OtpAlgorithm): Buffer {
  return randomBytes(SEED_BYTES[algorithm]);
}
