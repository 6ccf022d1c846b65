import type { Db } from '../../db';
import { AppError, E } from '../../errors';

/**
 * DualShield's `match` ([field, op, value] entries, ANDed), `orderBy`, `offset` and
 * `limit`, turned into parameterised SQL. Only fields in the resource's map can be
 * named, so neither a column nor an operator ever comes from the client verbatim.
 */
export type FieldType = 'text' | 'int' | 'bool' | 'time' | 'uuid';
export interface FieldSpec {
  column: string;
  type: FieldType;
  /**
   * A name compared through its key (domain/names): match values are keyed and meet the
   * indexed key column instead of `column`, for every operator; orderBy still sorts by `column`.
   */
  keyed?: { column: string; key: (value: string) => string };
}
export type FieldMap = Readonly<Record<string, FieldSpec>>;
export type MatchEntry = [string, string, unknown];

export interface SearchParams { match?: MatchEntry[]; orderBy?: string | string[]; offset?: number; limit?: number }

const OPERATORS: Record<string, string> = { '=': '=', '!=': '<>', '<': '<', '>': '>', '<=': '<=', '>=': '>=', like: 'LIKE' };
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function buildWhere(fields: FieldMap, match: MatchEntry[] = [], firstParam = 1): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [field, op, value] of match) {
    const spec = fields[field];
    if (!spec) throw invalid(`match: unknown field "${field}"; known: ${Object.keys(fields).join(', ')}`);
    const placeholder = () => `$${firstParam + params.length - 1}`; // after the push
    const column = spec.keyed?.column ?? spec.column;
    if (op === 'in') {
      if (!Array.isArray(value)) throw invalid(`match: "in" on "${field}" needs an array`);
      params.push(value.map((v) => coerce(spec, field, v)));
      clauses.push(`${column} = ANY(${placeholder()}::${sqlType(spec.type)}[])`);
    } else if (op in OPERATORS) {
      if (value === null && (op === '=' || op === '!=')) {
        clauses.push(`${column} IS ${op === '=' ? '' : 'NOT '}NULL`);
        continue;
      }
      if (op === 'like' && spec.type !== 'text') throw invalid(`match: "like" needs a text field, "${field}" is not`);
      params.push(coerce(spec, field, value));
      clauses.push(`${column} ${OPERATORS[op]} ${placeholder()}::${sqlType(spec.type)}`);
    } else {
      throw invalid(`match: unknown operator "${op}"`);
    }
  }
  return { sql: clauses.length ? clauses.join(' AND ') : 'TRUE', params };
}

export function buildOrderBy(fields: FieldMap, orderBy: string | string[] | undefined, fallback: string): string {
  const entries = orderBy === undefined ? [] : Array.isArray(orderBy) ? orderBy : [orderBy];
  const parts = entries.map((entry) => {
    const desc = entry.startsWith('-') || / desc$/i.test(entry);
    const field = entry.replace(/^-/, '').replace(/ (asc|desc)$/i, '').trim();
    const spec = fields[field];
    if (!spec) throw invalid(`orderBy: unknown field "${field}"`);
    return `${spec.column} ${desc ? 'DESC' : 'ASC'}`;
  });
  return [...parts, fallback].join(', ');
}

/** What a search reads: its select list, FROM clause, matchable fields and default order. */
export interface SearchSource {
  select: string;
  from: string;
  fields: FieldMap;
  defaultOrder: string;
  /** A condition every row meets, with its own parameters ($1…), numbered before the match's. */
  filter?: { sql: string; params: unknown[] };
}

/** `{total, rows}` for one page: the count of every match, then the page itself. */
export async function searchPage<T = any>(db: Db, source: SearchSource, params: SearchParams): Promise<{ total: number; rows: T[] }> {
  const filter = source.filter ?? { sql: 'TRUE', params: [] };
  const where = buildWhere(source.fields, params.match, filter.params.length + 1);
  const from = `${source.from} WHERE ${filter.sql} AND ${where.sql}`;
  const args = [...filter.params, ...where.params];
  const [{ total }] = await db.rows<{ total: number }>(`SELECT count(*)::int AS total FROM ${from}`, args);
  const rows = await db.rows<T>(`SELECT ${source.select} FROM ${from} ORDER BY ${buildOrderBy(source.fields, params.orderBy, source.defaultOrder)}
      OFFSET ${params.offset ?? 0} LIMIT ${params.limit ?? 100}`, args);
  return { total, rows };
}

function coerce(spec: FieldSpec, field: string, value: unknown): unknown {
  const ok =
    spec.type === 'text' ? typeof value === 'string' :
    spec.type === 'int' ? Number.isInteger(value) :
    spec.type === 'bool' ? typeof value === 'boolean' :
    spec.type === 'uuid' ? typeof value === 'string' && UUID.test(value) :
    typeof value === 'string' && !Number.isNaN(Date.parse(value));
  if (!ok) throw invalid(`match: "${field}" takes a ${spec.type} value`);
  // `%` and `_` pass through the key unchanged, so a `like` pattern keys as its text does.
  return spec.keyed ? spec.keyed.key(value as string) : value;
}

function sqlType(type: FieldType): string {
  return { text: 'text', int: 'bigint', bool: 'boolean', time: 'timestamptz', uuid: 'uuid' }[type];
}

function invalid(message: string): AppError {
  return AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/match', message }] }, message);
}
