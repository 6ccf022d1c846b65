import { randomBytes } from 'node:crypto';
import { keyedHash } from '../../domain/crypto/secrets';
import { TOKEN_ID } from './ids';

/**
 * A share token's reference: base64url(token id (20 ASCII bytes) ‖ 256-bit random secret).
 * Opaque and URL-safe; it names the token and proves its holder was given it. The
 * database keeps only HMAC(pepper, secret), so a copy of the database opens nothing,
 * and nothing else (password, template content) is carried.
 */
const ID_BYTES = 20;
const SECRET_BYTES = 32;

export interface NewReference { truncated: string; secretHash: Buffer }

export function newReference(pepper: Buffer, tokenId: string): NewReference {
  const secret = randomBytes(SECRET_BYTES);
  return {
    truncated: Buffer.concat([Buffer.from(tokenId, 'ascii'), secret]).toString('base64url'),
    secretHash: hashSecret(pepper, secret),
  };
}

/** The link a wallet app or a QR code carries (enmeshed's https://<backbone>/r/<truncated>). */
export function referenceUrl(baseUrl: string, truncated: string): string {
  return `${baseUrl}/r/${truncated}`;
}

/**
 * Accepts the truncated reference or the whole URL. Anything that does not decode to
 * a token id and a secret of the right size is null (the caller answers TOKEN_NOT_FOUND).
 */
export function parseReference(pepper: Buffer, reference: string): { tokenId: string; secretHash: Buffer } | null {
  const decoded = decode(reference);
  return decoded && { tokenId: decoded.tokenId, secretHash: hashSecret(pepper, decoded.secret) };
}

/** The token id a reference names, for the audit record (the id is not a secret). */
export function tokenIdOf(reference: unknown): string | undefined {
  return typeof reference === 'string' ? decode(reference)?.tokenId : undefined;
}

function decode(reference: string): { tokenId: string; secret: Buffer } | null {
  const truncated = reference.slice(reference.lastIndexOf('/') + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(truncated)) return null;
  const raw = Buffer.from(truncated, 'base64url');
  if (raw.length !== ID_BYTES + SECRET_BYTES) return null;
  const tokenId = raw.subarray(0, ID_BYTES).toString('ascii');
  return TOKEN_ID.test(tokenId) ? { tokenId, secret: raw.subarray(ID_BYTES) } : null;
}

function hashSecret(pepper: Buffer, secret: Buffer): Buffer {
  return keyedHash(pepper, secret.toString('base64url'));
}
