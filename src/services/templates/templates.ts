import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { newObjectId } from './ids';
import { checkPinRule, PasswordProtectionInput, protect, protectionView } from './password-protection';

export interface NewTemplate {
  content: Record<string, unknown>;
  expiresAt: string;
  forIdentity?: string;
  passwordProtection?: PasswordProtectionInput;
  maxNumberOfAllocations?: number;
}

export interface TemplateRow {
  id: string;
  created_by: string;
  created_at: Date;
  expires_at: Date;
  content: Record<string, unknown>;
  for_identity: string | null;
  password_hash: string | null;
  password_is_pin: boolean | null;
  max_number_of_allocations: number | null;
}

export const TEMPLATE_COLUMNS = `id, created_by, created_at, expires_at, content, for_identity, password_hash,
  password_is_pin, max_number_of_allocations`;

export function assertInFuture(expiresAt: string | Date, data?: Record<string, unknown>): void {
  if (new Date(expiresAt).getTime() <= Date.now()) throw AppError.of(E.EXPIRES_AT_IN_PAST, data);
}

export async function createTemplate(db: Db, owner: string, attrs: NewTemplate) {
  checkPinRule(attrs.passwordProtection);
  assertInFuture(attrs.expiresAt);
  const protection = await protect(attrs.passwordProtection);
  const [row] = await db.rows<TemplateRow>(`INSERT INTO relationship_templates (id, created_by, content, expires_at, for_identity, password_hash,
       password_is_pin, max_number_of_allocations)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${TEMPLATE_COLUMNS}`,
    [newObjectId('RLT'), owner, JSON.stringify(attrs.content), attrs.expiresAt, attrs.forIdentity ?? null,
      protection?.hash ?? null, protection?.isPin ?? null, attrs.maxNumberOfAllocations ?? null]);
  return templateView(row, owner);
}

/**
 * A template the caller knows: its own, or a peer's it has loaded through a token.
 * Anything else is TEMPLATE_NOT_FOUND, so a template id alone never opens a
 * password-protected or personalized template.
 */
export async function findKnownTemplate(db: Db, id: string, caller: string): Promise<TemplateRow> {
  const [row] = await db.rows<TemplateRow>(`SELECT ${TEMPLATE_COLUMNS} FROM relationship_templates t
      WHERE t.id = $1 AND (t.created_by = $2 OR EXISTS (
        SELECT 1 FROM relationship_template_allocations a WHERE a.template_id = t.id AND a.identity = $2))`,
    [id, caller]);
  if (!row) throw AppError.of(E.TEMPLATE_NOT_FOUND, { id });
  return row;
}

/** The fields enmeshed's template and token DTOs share: who made it, when, until when. */
export function ownedItemView(row: { id: string; created_by: string; created_at: Date; expires_at: Date }, caller: string) {
  return { id: row.id, isOwn: row.created_by === caller, createdBy: row.created_by, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** enmeshed's RelationshipTemplateDTO, minus the password: optional fields only when set. */
export function templateView(row: TemplateRow, caller: string) {
  return {
    ...ownedItemView(row, caller),
    content: row.content,
    ...(row.for_identity ? { forIdentity: row.for_identity } : {}),
    ...protectionView(row),
    ...(row.max_number_of_allocations ? { maxNumberOfAllocations: row.max_number_of_allocations } : {}),
  };
}
