import { createHash, createHmac, hash, randomBytes } from 'node:crypto';
import { constantTimeEqual } from './secrets';
import { needsRehash, verifyPassword } from './password-hash';

/**
 * PINs that arrive in bulk (batch assignment: a million rows) cannot wait for scrypt
 * (15–35 ms each). SPEC §8 lets them be stored as HMAC-SHA-256 under the server pepper
 * with a per-row salt, marked by this prefix, until their first successful verify
 * re-hashes them with scrypt (checkPin says when). The pepper is sealed under the
 * master key (db/server-keys.ts), so a database dump alone cannot test guesses.
 * Form: "hmac-sha256$<salt base64>$<mac base64>", mac = HMAC(pepper, salt ‖ NFKC(pin)).
 */
export const BULK_PIN_PREFIX = 'hmac-sha256$';
const SALT_BYTES = 16;

/**
 * The stored forms of `pins`, in order; one call for a whole chunk (a single randomBytes for
 * the salts). The same MAC as bulkMac, computed as RFC 2104 spells HMAC out, with two
 * one-shot hashes over the key pads prepared once per chunk: createHmac per row spent most
 * of its time setting up the key and the object (a third of the cost of staging a batch).
 */
export function hashBulkPins(pepper: Buffer, pins: readonly string[]): string[] {
  const salts = randomBytes(SALT_BYTES * pins.length);
  const { inner, outer } = hmacPads(pepper);
  // Two scratch buffers, pad first, reused row after row: no allocation per row.
  let innerInput = Buffer.alloc(SHA256_BLOCK_BYTES + SALT_BYTES + 128);
  inner.copy(innerInput);
  const outerInput = Buffer.alloc(SHA256_BLOCK_BYTES + 32);
  outer.copy(outerInput);
  return pins.map((pin, i) => {
    const saltStart = i * SALT_BYTES;
    // ASCII (every PIN a batch file may carry) is its own NFKC form, a byte a character.
    const ascii = ASCII_ONLY.test(pin);
    const text = ascii ? pin : pin.normalize('NFKC');
    const end = SHA256_BLOCK_BYTES + SALT_BYTES + (ascii ? text.length : Buffer.byteLength(text, 'utf8'));
    if (end > innerInput.length) innerInput = Buffer.concat([inner, Buffer.alloc(end - SHA256_BLOCK_BYTES)]);
    salts.copy(innerInput, SHA256_BLOCK_BYTES, saltStart, saltStart + SALT_BYTES);
    innerInput.write(text, SHA256_BLOCK_BYTES + SALT_BYTES, ascii ? 'latin1' : 'utf8');
    hash('sha256', innerInput.subarray(0, end), 'buffer').copy(outerInput, SHA256_BLOCK_BYTES);
    return `${BULK_PIN_PREFIX}${salts.toString('base64', saltStart, saltStart + SALT_BYTES)}$${hash('sha256', outerInput, 'base64')}`;
  });
}

/** HMAC-SHA-256's key blocks (RFC 2104): the key, hashed when longer than a block, XORed with ipad and opad. */
function hmacPads(key: Buffer): { inner: Buffer; outer: Buffer } {
  const block = Buffer.alloc(SHA256_BLOCK_BYTES);
  (key.length > SHA256_BLOCK_BYTES ? createHash('sha256').update(key).digest() : key).copy(block);
  return { inner: Buffer.from(block.map((b) => b ^ 0x36)), outer: Buffer.from(block.map((b) => b ^ 0x5c)) };
}

const SHA256_BLOCK_BYTES = 64;
const ASCII_ONLY = /^[\x00-\x7f]*$/;

export function isBulkPinHash(stored: string): boolean {
  return stored.startsWith(BULK_PIN_PREFIX);
}

/**
 * A PIN against its stored hash, whichever form: `rehashDue` when it matched and the
 * stored form is a bulk HMAC or a scrypt below today's cost, so the caller, who has the
 * PIN in hand, stores hashPassword(pin) in its place. No stored hash: no PIN is required.
 */
export async function checkPin(pepper: Buffer, pin: string | undefined, stored: string | null): Promise<{ matches: boolean; rehashDue: boolean }> {
  if (!stored) return { matches: true, rehashDue: false };
  if (isBulkPinHash(stored)) {
    const [salt, mac] = stored.slice(BULK_PIN_PREFIX.length).split('$');
    const matches = constantTimeEqual(bulkMac(pepper, Buffer.from(salt ?? '', 'base64'), pin ?? ''), Buffer.from(mac ?? '', 'base64'));
    return { matches, rehashDue: matches };
  }
  const matches = await verifyPassword(pin ?? '', stored);
  return { matches, rehashDue: matches && needsRehash(stored) };
}

function bulkMac(pepper: Buffer, salt: Buffer, pin: string): Buffer {
  return createHmac('sha256', pepper).update(salt).update(pin.normalize('NFKC'), 'utf8').digest();
}
