import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * PINs and template passwords: low entropy, so a slow salted hash (scrypt).
 * Stored as "scrypt$N$r$p$salt$hash" so the cost can be raised later without
 * breaking old hashes.
 */
const DEFAULT = { N: 2 ** 14, r: 8, p: 1 };

export async function hashPassword(password: string, cost = DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(password, Buffer.from(salt, 'base64'), { N: +N, r: +r, p: +p });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Whether a stored hash was made at a lower cost than today's default (batch-assigned
 * PINs are hashed at N=2^10): verify it, then store hashPassword(password) in its place.
 */
export function needsRehash(stored: string): boolean {
  const [scheme, N, r, p] = stored.split('$');
  return scheme === 'scrypt' && (+N < DEFAULT.N || +r < DEFAULT.r || +p < DEFAULT.p);
}

function derive(password: string, salt: Buffer, cost: typeof DEFAULT): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, 32, { ...cost, maxmem: 128 * cost.N * cost.r * 2 }, (err, key) =>
      (err ? reject(err) : resolve(key))));
}
