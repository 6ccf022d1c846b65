import type { Db } from '../../db';
import QRCode from 'qrcode';
import { generateSecret, keyedHash } from '../../domain/crypto/secrets';
import { buildOtpauthUri } from '../../domain/otp';
import { AppError, E } from '../../errors';
import { findToken, findTokenById, TokenRow, TokenSelector } from './token-refs';
import { unsealSeed } from './token-seeds';

/**
 * Single-use provisioning links for software tokens. The code is a 256-bit secret shown
 * only in the link; the table keeps its keyed hash. Redeeming marks the link used in the
 * same transaction that reads the seed, under a row lock, so a code works exactly once.
 */
export const DEFAULT_LINK_TTL_SECONDS = 15 * 60;

export function assertDownloadable(token: Pick<TokenRow, 'hardware' | 'confined' | 'serial'>): void {
  if (token.hardware) throw AppError.of(E.TOKEN_NOT_DOWNLOADABLE, { serial: token.serial });
  if (token.confined) throw AppError.of(E.TOKEN_CONFINED, { serial: token.serial });
}

export async function createDownloadLink(
  db: Db, pepper: Buffer, selector: TokenSelector, opts: { ttlSeconds?: number; baseUrl: string },
): Promise<{ url: string; expiresAt: Date }> {
  // the row lock orders this against /token/confine, which kills the outstanding links
  const token = await findToken(db, selector, { lock: true });
  assertDownloadable(token);
  const code = generateSecret('tgd');
  const [row] = await db.rows<{ expiresAt: Date }>(`INSERT INTO token_download_links (code_hash, token_id, expires_at)
     VALUES ($1, $2, now() + make_interval(secs => $3)) RETURNING expires_at AS "expiresAt"`,
    [keyedHash(pepper, code), token.id, opts.ttlSeconds ?? DEFAULT_LINK_TTL_SECONDS]);
  return { url: `${opts.baseUrl}/download/${code}`, expiresAt: row.expiresAt };
}

export interface Provisioning { serial: string; otpauthUri: string; qrCode: string }

/**
 * GET /download/<code>. The link row is locked FOR UPDATE (a second redeemer waits, then
 * sees it used) and the token row FOR SHARE (a concurrent confine either lands first and
 * wins, or waits until this download is done). `onLinkFound` hears which token the code
 * is for as soon as that is known, so a refused download can be audited against it.
 */
export async function redeemDownloadLink(
  db: Db, keys: { pepper: Buffer; masterKey: Buffer }, code: string, opts: { onLinkFound?: (serial: string) => void } = {},
): Promise<Provisioning> {
  const [link] = await db.rows<{ tokenId: string; serial: string; live: boolean; confined: boolean }>(`SELECT l.token_id AS "tokenId", t.serial, (l.used_at IS NULL AND l.expires_at > now()) AS live, t.confined
       FROM token_download_links l JOIN tokens t ON t.id = l.token_id
      WHERE l.code_hash = $1 FOR UPDATE OF l FOR SHARE OF t`, [keyedHash(keys.pepper, code)]);
  if (!link) throw AppError.of(E.NOT_FOUND, {}, 'No such download link');
  opts.onLinkFound?.(link.serial);
  if (link.confined) throw AppError.of(E.TOKEN_CONFINED);
  if (!link.live) throw AppError.of(E.DOWNLOAD_LINK_EXPIRED);
  await db.rows(`UPDATE token_download_links SET used_at = now() WHERE code_hash = $1`, [keyedHash(keys.pepper, code)]);

  const token = await findTokenById(db, link.tokenId);
  assertDownloadable(token);
  const { issuer, account } = await enrollmentLabel(db, token);
  const otpauthUri = buildOtpauthUri({
    type: token.type,
    secret: unsealSeed(keys.masterKey, token.seedSealed, token.id),
    issuer,
    account,
    algorithm: token.algorithm,
    digits: token.digits,
    period: token.period,
    counter: token.counter,
  });
  return { serial: token.serial, otpauthUri, qrCode: await QRCode.toDataURL(otpauthUri, { errorCorrectionLevel: 'M' }) };
}

/** Issuer and account as an authenticator app will show them: the owner's domain and login name. */
async function enrollmentLabel(db: Db, token: { id: string; serial: string }): Promise<{ issuer: string; account: string }> {
  const [owner] = await db.rows<{ loginName: string; domainName: string }>(`SELECT u.login_name AS "loginName", d.name AS "domainName"
       FROM token_assignments a JOIN users u ON u.id = a.user_id JOIN domains d ON d.id = u.domain_id
      WHERE a.token_id = $1 ORDER BY a.role = 'owner' DESC, a.created_at LIMIT 1`, [token.id]);
  return { issuer: owner?.domainName ?? 'tokengate', account: owner?.loginName ?? token.serial };
}

export type LinkState = 'live' | 'used-or-expired' | 'confined';
export interface LinkPreview { serial: string; issuer: string; account: string; state: LinkState }

/**
 * What a link is for, without spending it (the browser page before the button, and HEAD):
 * a mail gateway's link scanner may fetch it first. No seed is read. null: never issued.
 */
export async function previewDownloadLink(db: Db, pepper: Buffer, code: string): Promise<LinkPreview | null> {
  const [link] = await db.rows<{ tokenId: string; serial: string; live: boolean; confined: boolean }>(`SELECT l.token_id AS "tokenId", t.serial, (l.used_at IS NULL AND l.expires_at > now()) AS live, t.confined
       FROM token_download_links l JOIN tokens t ON t.id = l.token_id WHERE l.code_hash = $1`, [keyedHash(pepper, code)]);
  if (!link) return null;
  const state: LinkState = link.confined ? 'confined' : link.live ? 'live' : 'used-or-expired';
  return { serial: link.serial, ...(await enrollmentLabel(db, { id: link.tokenId, serial: link.serial })), state };
}

/** The QR code alone, for `Accept: image/png`. */
export function provisioningPng(p: Provisioning): Promise<Buffer> {
  return QRCode.toBuffer(p.otpauthUri, { type: 'png', errorCorrectionLevel: 'M' });
}
