import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import type { RateLimit } from '../rate-limit';
import { checkSharePassword, checkTemplatePassword } from './password-attempts';
import { ParsedReference, parseReference } from './reference';
import { TEMPLATE_COLUMNS, TemplateRow, templateView } from './templates';

interface LoadedToken extends TemplateRow {
  token_id: string;
  token_created_by: string;
  token_for_identity: string | null;
  token_password_hash: string | null;
  token_password_is_pin: boolean | null;
}

/**
 * enmeshed's "load an item from a reference": the token's template as the caller sees it
 * (or the template itself, for a template's own reference: loadTemplateReference).
 * An unknown, malformed or expired reference, an expired template, and a token
 * personalized for someone else all answer TOKEN_NOT_FOUND, so none can be told apart.
 * The creator of the token needs neither personalization nor password (enmeshed's
 * Backbone lets the creator collect its own token). A peer's first load allocates it
 * one of the template's maxNumberOfAllocations.
 *
 * `db` is NOT the call's transaction (the method owns its transactions): failed password
 * guesses must be counted even though the call then fails, and the gateway would roll
 * a transaction back on that very failure. Recording them on a second connection
 * instead could deadlock the pool (every call holding one connection, waiting for a
 * second), so the one write that must be atomic, the allocation, has its own transaction.
 */
export async function loadShareToken(
  db: Db, pepper: Buffer, caller: string, reference: string, password: string | undefined, passwordLimit: RateLimit | null,
) {
  const parsed = parseReference(pepper, reference);
  if (parsed?.kind === 'template') return loadTemplateReference(db, parsed.templateId, caller, password, passwordLimit);
  const token = await findLiveToken(db, parsed);
  const isOwn = token.token_created_by === caller;
  const addressee = token.token_for_identity ?? token.for_identity;
  if (!isOwn && addressee && addressee !== caller) throw AppError.of(E.TOKEN_NOT_FOUND);
  if (!isOwn) {
    await checkSharePassword(db, { id: token.token_id, password_hash: token.token_password_hash, password_is_pin: token.token_password_is_pin }, caller, password, passwordLimit);
    await allocate(db, token, caller);
  }
  return templateView(token, caller);
}

/**
 * A template's own reference: the template as if through a token that inherits its
 * personalization and password (and the same TOKEN_NOT_FOUND for whatever does not load).
 */
async function loadTemplateReference(db: Db, templateId: string, caller: string, password: string | undefined, passwordLimit: RateLimit | null) {
  const [template] = await db.rows<TemplateRow>(`SELECT ${TEMPLATE_COLUMNS} FROM relationship_templates WHERE id = $1 AND expires_at > now()`, [templateId]);
  if (!template) throw AppError.of(E.TOKEN_NOT_FOUND);
  if (template.created_by !== caller) {
    if (template.for_identity && template.for_identity !== caller) throw AppError.of(E.TOKEN_NOT_FOUND);
    await checkTemplatePassword(db, template, caller, password, passwordLimit);
    await allocate(db, template, caller);
  }
  return templateView(template, caller);
}

async function findLiveToken(db: Db, parsed: ParsedReference | null): Promise<LoadedToken> {
  const [row] = parsed?.kind === 'token' ? await db.rows<LoadedToken>(`SELECT s.id AS token_id, s.created_by AS token_created_by, s.for_identity AS token_for_identity,
            s.password_hash AS token_password_hash, s.password_is_pin AS token_password_is_pin,
            t.id, t.created_by, t.created_at, t.expires_at, t.content, t.for_identity, t.password_hash,
            t.password_is_pin, t.max_number_of_allocations
       FROM share_tokens s JOIN relationship_templates t ON t.id = s.template_id
      WHERE s.secret_hash = $1 AND s.id = $2 AND s.expires_at > now() AND t.expires_at > now()`,
    [parsed.secretHash, parsed.tokenId]) : [];
  if (!row) throw AppError.of(E.TOKEN_NOT_FOUND);
  return row;
}

/**
 * Records that `identity` holds the template. Once maxNumberOfAllocations distinct peers
 * hold it, a new peer gets TEMPLATE_NOT_FOUND (as enmeshed's Backbone answers); peers
 * that hold it already may load it again. The template row lock serializes peers
 * racing for the last allocation (NO KEY UPDATE: it does not block new share tokens).
 */
async function allocate(db: Db, template: TemplateRow, identity: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.rows('SELECT 1 FROM relationship_templates WHERE id = $1 FOR NO KEY UPDATE', [template.id]);
    const [taken] = await tx.rows(`INSERT INTO relationship_template_allocations (template_id, identity)
       SELECT $1, $2 WHERE $3::int IS NULL
          OR (SELECT count(*) FROM relationship_template_allocations WHERE template_id = $1) < $3
       ON CONFLICT DO NOTHING RETURNING 1 AS taken`,
      [template.id, identity, template.max_number_of_allocations]);
    if (taken) return;
    const [held] = await tx.rows('SELECT 1 FROM relationship_template_allocations WHERE template_id = $1 AND identity = $2',
      [template.id, identity]);
    if (!held) throw AppError.of(E.TEMPLATE_NOT_FOUND, { reason: 'ALLOCATIONS_EXHAUSTED' });
  });
}
