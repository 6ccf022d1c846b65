import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { FieldMap, SearchParams, searchPage } from '../query/search-query';
import { SHARE_TOKEN_COLUMNS, ShareTokenRow, shareTokenView } from './share-tokens';
import { TEMPLATE_COLUMNS, TemplateRow, templateView } from './templates';

/**
 * Times compare as they are shown: to the millisecond. PostgreSQL keeps microseconds, so
 * "createdAt > <a createdAt read back>" would otherwise still match the very row it was read from.
 */
const shownTime = (column: string) => ({ column: `date_trunc('milliseconds', ${column})`, type: 'time' as const });

/** What the Connector's list queries filter on (createdAt, expiresAt, …), as `match` fields. */
const TEMPLATE_FIELDS: FieldMap = {
  id: { column: 'id', type: 'text' },
  createdBy: { column: 'created_by', type: 'text' },
  createdAt: shownTime('created_at'),
  expiresAt: shownTime('expires_at'),
  forIdentity: { column: 'for_identity', type: 'text' },
  maxNumberOfAllocations: { column: 'max_number_of_allocations', type: 'int' },
};

/**
 * The templates the caller knows (its own, and peers' it loaded through a token),
 * as findKnownTemplate decides one by one; `isOwn` narrows to one side.
 */
export async function searchTemplates(db: Db, caller: string, params: SearchParams & { isOwn?: boolean }) {
  const own = 't.created_by = $1';
  const loaded = 'EXISTS (SELECT 1 FROM relationship_template_allocations a WHERE a.template_id = t.id AND a.identity = $1)';
  const known = params.isOwn === true ? own : params.isOwn === false ? `NOT ${own} AND ${loaded}` : `(${own} OR ${loaded})`;
  const page = await searchPage<TemplateRow>(db, {
    select: TEMPLATE_COLUMNS, from: 'relationship_templates t', fields: TEMPLATE_FIELDS,
    defaultOrder: 't.created_at, t.id', filter: { sql: known, params: [caller] },
  }, params);
  return { total: page.total, rows: page.rows.map((row) => templateView(row, caller)) };
}

const TOKEN_FIELDS: FieldMap = {
  id: { column: 'id', type: 'text' },
  templateId: { column: 'template_id', type: 'text' },
  createdAt: shownTime('created_at'),
  expiresAt: shownTime('expires_at'),
  forIdentity: { column: 'for_identity', type: 'text' },
};

/** The share tokens the caller created and kept (non-ephemeral), across its templates. */
export async function searchShareTokens(db: Db, caller: string, params: SearchParams) {
  const page = await searchPage<ShareTokenRow>(db, {
    select: SHARE_TOKEN_COLUMNS, from: 'share_tokens', fields: TOKEN_FIELDS,
    defaultOrder: 'created_at, id', filter: { sql: 'created_by = $1 AND NOT ephemeral', params: [caller] },
  }, params);
  return { total: page.total, rows: page.rows.map((row) => shareTokenView(row, caller)) };
}

/**
 * One of the caller's kept tokens. An ephemeral token is not kept (enmeshed's
 * Connector does not store it either), and a peer's is not the caller's: both,
 * like an unknown id, answer TOKEN_NOT_FOUND.
 */
export async function findOwnShareToken(db: Db, caller: string, id: string) {
  const [row] = await db.rows<ShareTokenRow>(`SELECT ${SHARE_TOKEN_COLUMNS} FROM share_tokens WHERE id = $1 AND created_by = $2 AND NOT ephemeral`, [id, caller]);
  if (!row) throw AppError.of(E.TOKEN_NOT_FOUND, { id });
  return shareTokenView(row, caller);
}
