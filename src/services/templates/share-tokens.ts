import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { newObjectId } from './ids';
import { checkPinRule, inheritProtection, PasswordProtectionInput, protectionView } from './password-protection';
import { newReference, referenceUrl } from './reference';
import { assertInFuture, findKnownTemplate, ownedItemView } from './templates';

export interface NewShareToken {
  templateId: string;
  expiresAt?: string;
  ephemeral?: boolean;
  forIdentity?: string;
  passwordProtection?: PasswordProtectionInput;
}

export interface ShareTokenRow {
  id: string;
  template_id: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  for_identity: string | null;
  password_hash: string | null;
  password_is_pin: boolean | null;
  ephemeral: boolean;
}

export const SHARE_TOKEN_COLUMNS = 'id, template_id, created_by, created_at, expires_at, for_identity, password_hash, password_is_pin, ephemeral';

/**
 * enmeshed's "create a Token for a RelationshipTemplate": only for one's own template,
 * inheriting its personalization and password protection exactly. The reference
 * (the only way to load the token) is returned here and never again.
 */
export async function createShareToken(db: Db, pepper: Buffer, owner: string, baseUrl: string, req: NewShareToken) {
  checkPinRule(req.passwordProtection);
  if (req.expiresAt) assertInFuture(req.expiresAt);
  const template = await findKnownTemplate(db, req.templateId, owner);
  if (template.created_by !== owner) throw AppError.of(E.CANNOT_CREATE_TOKEN_FOR_PEER_TEMPLATE, { templateId: template.id });
  // A token for an expired template could never be loaded.
  assertInFuture(template.expires_at, { templateExpiresAt: template.expires_at });
  if (template.for_identity && req.forIdentity !== template.for_identity) {
    throw AppError.of(E.PERSONALIZATION_MUST_BE_INHERITED, { forIdentity: template.for_identity });
  }
  const templateProtection = template.password_hash ? { hash: template.password_hash, isPin: template.password_is_pin === true } : null;
  const protection = await inheritProtection(templateProtection, req.passwordProtection);

  const id = newObjectId('TOK');
  const reference = newReference(pepper, id);
  const [row] = await db.rows<ShareTokenRow>(`INSERT INTO share_tokens (id, template_id, created_by, expires_at, for_identity, password_hash, password_is_pin,
       ephemeral, secret_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${SHARE_TOKEN_COLUMNS}`,
    [id, template.id, owner, req.expiresAt ?? template.expires_at, req.forIdentity ?? null, protection?.hash ?? null,
      protection?.isPin ?? null, req.ephemeral ?? true, reference.secretHash]);
  return shareTokenView(row, owner, { truncated: reference.truncated, url: referenceUrl(baseUrl, reference.truncated) });
}

/**
 * The caller's non-ephemeral tokens for a template it knows (a peer has none). Listed
 * tokens carry no reference: only its keyed hash was kept, so it cannot be shown again.
 */
export async function listShareTokens(db: Db, caller: string, templateId: string) {
  const template = await findKnownTemplate(db, templateId, caller);
  const rows = await db.rows<ShareTokenRow>(`SELECT ${SHARE_TOKEN_COLUMNS} FROM share_tokens
      WHERE template_id = $1 AND created_by = $2 AND NOT ephemeral ORDER BY created_at, id`,
    [template.id, caller]);
  return { total: rows.length, rows: rows.map((row) => shareTokenView(row, caller)) };
}

/** enmeshed's TokenDTO for a template token; never the password or its hash. */
export function shareTokenView(row: ShareTokenRow, caller: string, reference?: { truncated: string; url: string }) {
  return {
    ...ownedItemView(row, caller),
    content: { templateId: row.template_id },
    ...(row.for_identity ? { forIdentity: row.for_identity } : {}),
    ...protectionView(row),
    ...(reference ? { reference } : {}),
    isEphemeral: row.ephemeral,
  };
}
