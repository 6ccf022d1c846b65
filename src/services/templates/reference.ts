import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { constantTimeEqual, keyedHash } from '../../domain/crypto/secrets';
import { TEMPLATE_ID, TOKEN_ID } from './ids';

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
 * A template's own reference, as enmeshed gives every template one ("UkxU…", the base64
 * of "RLT"): base64url(template id ‖ HMAC(pepper, "template-reference:" ‖ id)). It is
 * derived, not stored, so it reads the same on every read of the template; like
 * enmeshed's, it lives as long as the template, whose personalization and password
 * still apply to whoever loads it (load-token.ts).
 */
export function templateReference(pepper: Buffer, templateId: string): string {
  return Buffer.concat([Buffer.from(templateId, 'ascii'), templateSecret(pepper, templateId)]).toString('base64url');
}

export type ParsedReference =
  | { kind: 'token'; tokenId: string; secretHash: Buffer }
  | { kind: 'template'; templateId: string };

/** The QR code a wallet app scans: a PNG of the reference URL. */
export function referenceQrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { type: 'png', errorCorrectionLevel: 'M' });
}

/**
 * Accepts the truncated reference or the whole URL, of a share token or of a template.
 * Anything that does not decode to an id and a secret of the right size, or a template
 * reference whose secret is not the template's, is null (the caller answers TOKEN_NOT_FOUND).
 */
export function parseReference(pepper: Buffer, reference: string): ParsedReference | null {
  const decoded = decode(reference);
  if (!decoded) return null;
  if (TOKEN_ID.test(decoded.id)) return { kind: 'token', tokenId: decoded.id, secretHash: hashSecret(pepper, decoded.secret) };
  return constantTimeEqual(decoded.secret, templateSecret(pepper, decoded.id)) ? { kind: 'template', templateId: decoded.id } : null;
}

/** The token or template id a reference names, for the audit record (an id is not a secret). */
export function tokenIdOf(reference: unknown): string | undefined {
  return typeof reference === 'string' ? decode(reference)?.id : undefined;
}

function decode(reference: string): { id: string; secret: Buffer } | null {
  const truncated = reference.slice(reference.lastIndexOf('/') + 1);
  if (!/^[A-Za-z0-9_-]+$/.test(truncated)) return null;
  const raw = Buffer.from(truncated, 'base64url');
  if (raw.length !== ID_BYTES + SECRET_BYTES) return null;
  const id = raw.subarray(0, ID_BYTES).toString('ascii');
  return TOKEN_ID.test(id) || TEMPLATE_ID.test(id) ? { id, secret: raw.subarray(ID_BYTES) } : null;
}

function hashSecret(pepper: Buffer, secret: Buffer): Buffer {
  return keyedHash(pepper, secret.toString('base64url'));
}

function templateSecret(pepper: Buffer, templateId: string): Buffer {
  return keyedHash(pepper, `template-reference:${templateId}`);
}
