import { createHash, randomBytes } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * enmeshed-shaped object ids: a 3-letter type prefix and 17 random alphanumerics
 * ("RLT…", "TOK…"), about 101 bits. Ids are names, not secrets.
 */
export function newObjectId(prefix: 'RLT' | 'TOK'): string {
  let id = prefix;
  while (id.length < 20) {
    for (const byte of randomBytes(32)) {
      // 248 = 4 × 62: rejecting the bytes above keeps every character equally likely.
      if (byte < 248 && id.length < 20) id += ALPHANUMERIC[byte % 62];
    }
  }
  return id;
}

export const TEMPLATE_ID = /^RLT[A-Za-z0-9]{17}$/;
export const TOKEN_ID = /^TOK[A-Za-z0-9]{17}$/;

/** The realm part of every address this server issues. */
export const ADDRESS_REALM = 'localhost';

/**
 * An enmeshed-shaped identity address: "did:e:<realm>:dids:" + 20 hex + a 2-hex checksum
 * of what precedes it, so a mistyped address is recognisably wrong. enmeshed derives the
 * 20 hex from the identity's public key; we have no key pair, so they are random.
 */
export function newIdentityAddress(): string {
  const prefix = `did:e:${ADDRESS_REALM}:dids:`;
  const body = randomBytes(10).toString('hex');
  return prefix + body + createHash('sha256').update(prefix + body).digest('hex').slice(0, 2);
}
