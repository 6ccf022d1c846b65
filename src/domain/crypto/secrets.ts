import { createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';

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

/** This process's own salt for memoryKey: its keys mean nothing outside it. */
const MEMORY_SALT = randomBytes(16).toString('base64');

/**
 * A name under which this process may remember something about a secret (a cache key),
 * never the secret itself: salted SHA-256, one native call. keyedHash is what the database
 * keeps and looks up; a cache hit needs only this, half an HMAC's cost (it was a tenth of
 * the server's CPU on the verify paths, beside the keyed hash the call itself needs).
 */
export function memoryKey(value: string): string {
  return hash('sha256', MEMORY_SALT + value, 'base64');
}

/** Equal contents, compared in time that does not depend on where they differ. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
