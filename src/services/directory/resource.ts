import type { Db } from '../../db';
import { usernameKey } from '../../domain/names/username-key';
import { AppError, E, ErrorDef, isUniqueViolation } from '../../errors';
import { buildWhere, FieldMap, MatchEntry, SearchParams, searchPage } from '../query/search-query';

/**
 * A directory object as the generic methods (create/get/search/set/delete) see it:
 * where its rows live, how they read in API field names, and which fields a client
 * may match, order by and write. The main table is always aliased `t`. Every column
 * name in the SQL below comes from these descriptions, never from the client.
 */
export interface Resource {
  /** "domain": used in messages. */
  readonly noun: string;
  readonly table: string;
  /** FROM clause (the main table as `t`, plus joins). */
  readonly from: string;
  /** Select list in API field names (camelCase). */
  readonly select: string;
  /** Condition on `t` for rows that exist on the API: tombstones are left out. */
  readonly live: string;
  /** Tie-breaking ORDER BY after the client's orderBy. */
  readonly defaultOrder: string;
  /** Fields for match and orderBy. */
  readonly fields: FieldMap;
  /** Attribute → column for create and set. */
  readonly writable: Readonly<Record<string, string>>;
  /** Name column → its key column, written beside it on create and set (domain/names). */
  readonly keyColumns?: Readonly<Record<string, string>>;
  /** Unique constraint or index name → the API fields it covers, for CONFLICT data. */
  readonly unique: Readonly<Record<string, readonly string[]>>;
  readonly notFound: ErrorDef;
}

export interface GetParams { id?: string; match?: MatchEntry[] }

export function searchRecords(db: Db, r: Resource, params: SearchParams) {
  return searchPage(db, { select: r.select, from: r.from, fields: r.fields, defaultOrder: r.defaultOrder, filter: { sql: r.live, params: [] } }, params);
}

/** One object by id and/or match. A match naming several is refused rather than answered with a guess. */
export async function getRecord(db: Db, r: Resource, params: GetParams) {
  const match: MatchEntry[] = [...(params.id ? [['id', '=', params.id] as MatchEntry] : []), ...(params.match ?? [])];
  const where = buildWhere(r.fields, match);
  const rows = await db.rows(`SELECT ${r.select} FROM ${r.from} WHERE ${r.live} AND ${where.sql} LIMIT 2`, where.params);
  if (rows.length === 0) throw AppError.of(r.notFound);
  if (rows.length > 1) {
    const message = `match names more than one ${r.noun}; use /${r.noun}/search`;
    throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/match', message }] }, message);
  }
  return rows[0];
}

/** INSERT of the writable attributes given (plus columns the caller resolved, e.g. domain_id) → {id}. */
export async function createRecord(db: Db, r: Resource, attrs: object, extraColumns: Record<string, unknown> = {}) {
  const columns = { ...toColumns(r, attrs), ...extraColumns };
  const names = Object.keys(columns);
  const [row] = await refusingDuplicates(r, () => db.rows(`INSERT INTO ${r.table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(columns)));
  return { id: row.id as string };
}

/** UPDATE of the writable attributes given (plus columns the caller resolved, e.g. a sealed secret); answers the object as /X/get would. */
export async function setRecord(db: Db, r: Resource, id: string, attrs: object, extraColumns: Record<string, unknown> = {}) {
  const columns = { ...toColumns(r, attrs), ...extraColumns };
  const names = Object.keys(columns);
  if (names.length > 0) {
    const assignments = names.map((name, i) => `${name} = $${i + 2}`).join(', ');
    const changed = await refusingDuplicates(r, () => db.count(`UPDATE ${r.table} t SET ${assignments} WHERE t.id = $1 AND ${r.live}`, [id, ...Object.values(columns)]));
    if (changed === 0) throw AppError.of(r.notFound);
  }
  return getRecord(db, r, { id });
}

/** Hard delete, refused while tokens still point at the row (they would lose their product or repository). */
export async function deleteUnlessUsedByTokens(db: Db, r: Resource, id: string, tokenColumn: 'product_id' | 'repository_id') {
  const [row] = await db.rows(`SELECT (SELECT count(*)::int FROM tokens WHERE ${tokenColumn} = t.id) AS tokens FROM ${r.table} t WHERE t.id = $1`, [id]);
  if (!row) throw AppError.of(r.notFound);
  if (row.tokens > 0) throw usedByTokens(r, row.tokens);
  try {
    await db.rows(`DELETE FROM ${r.table} WHERE id = $1`, [id]);
  } catch (err) {
    // A token created between the count and the delete: the foreign key says so.
    if ((err as { code?: string }).code === '23503') throw usedByTokens(r);
    throw err;
  }
  return { id };
}

function usedByTokens(r: Resource, tokens?: number): AppError {
  const message = `The ${r.noun} is still used by ${tokens ?? 'some'} token(s)`;
  return AppError.of(E.CONFLICT, { reason: 'IN_USE', tokens }, message);
}

function toColumns(r: Resource, attrs: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [attr, value] of Object.entries(attrs)) {
    const column = r.writable[attr];
    if (!column || value === undefined) continue;
    out[column] = value;
    const keyColumn = r.keyColumns?.[column];
    if (keyColumn) out[keyColumn] = usernameKey(value as string);
  }
  return out;
}

/** A unique violation names its constraint; tell the client which of its fields is taken. */
async function refusingDuplicates<T>(r: Resource, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const fields = r.unique[(err as { constraint?: string }).constraint ?? ''] ?? [];
    throw AppError.of(E.CONFLICT, { reason: 'DUPLICATE', fields },
      `A ${r.noun} with this ${fields.join(' and ') || 'value'} already exists`);
  }
}
