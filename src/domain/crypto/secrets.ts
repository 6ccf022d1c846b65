import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A random bearer secret: 256 bits, base64url, with a short prefix so a leaked
 * value says what it is (as GitHub's ghp_ tokens do).
 */
export function generateSecret(prefix: string, bytes = 32): string {
  return `${prefix}_${randomBytes(bytes).toString('base64url')}`;
}

/** HMAC-SHA-256 under the server pepper: high-entropy secrets need no slow hash. */
export function keyedHash(pepper: Buffer, value: string): Buffer {
  return createHmac('sha256', pepper).update(value, 'utf8').digest();
}

/** Equal contents, compared in time that does not depend on where they differ. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
