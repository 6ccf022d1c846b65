import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import type { UserRef } from '../directory/refs';
import type { UserResolver } from '../directory/user-resolver';
import { buildWhere, FieldMap, MatchEntry, SearchParams, searchPage } from '../query/search-query';
import { findToken, TokenSelector } from './token-refs';

/**
 * The read model of a token (SPEC "token" fields). Built in SQL with its product,
 * repository and users in one statement; the seed column is never selected here.
 */
export interface TokenUser { id: string; loginName: string; domain: { id: string; name: string }; status: string; hasPin: boolean }

const usersOf = (role: string) => `coalesce((
    SELECT json_agg(json_build_object('id', u.id, 'loginName', u.login_name,
             'domain', json_build_object('id', d.id, 'name', d.name), 'status', a.status, 'hasPin', a.pin_hash IS NOT NULL)
           ORDER BY a.created_at, u.id)
      FROM token_assignments a JOIN users u ON u.id = a.user_id JOIN domains d ON d.id = u.domain_id
     WHERE a.token_id = t.id AND a.role = '${role}' AND u.deleted_at IS NULL), '[]')`;

/**
 * The counter as hotpCounterToJson writes it: a JSON number up to 2^53 - 1, the decimal
 * string above, where JSON numbers lose digits in the client's parser (and in ours).
 */
const COUNTER_JSON = `CASE WHEN t.counter <= ${Number.MAX_SAFE_INTEGER} THEN to_json(t.counter) ELSE to_json(t.counter::text) END`;

const VIEW_COLUMNS = `
         t.id, t.serial, t.identifier, t.status, t.description, p.type, t.algorithm, t.digits,
         CASE WHEN p.type = 'TOTP' THEN t.period END AS period,
         json_build_object('id', p.id, 'manufacturerCode', p.manufacturer_code, 'productCode', p.product_code,
                           'name', p.name, 'hardware', p.hardware) AS product,
         CASE WHEN r.id IS NULL THEN NULL ELSE json_build_object('id', r.id, 'name', r.name) END AS repository,
         ${usersOf('owner')} AS "assignedUsers", ${usersOf('shared')} AS "sharedUsers",
         ${COUNTER_JSON} AS counter, t.drift, t.confined, t.fail_count AS "failCount", t.locked,
         t.last_used_at AS "lastUsedAt", t.created_at AS "createdAt"`;
const VIEW_FROM = 'tokens t JOIN products p ON p.id = t.product_id LEFT JOIN repositories r ON r.id = t.repository_id';
const VIEW_SELECT = `SELECT ${VIEW_COLUMNS} FROM ${VIEW_FROM}`;

/** Fields `match` and `orderBy` may name; nested ones use DualShield's dotted names. */
const FIELDS: FieldMap = {
  id: { column: 't.id', type: 'uuid' },
  serial: { column: 't.serial', type: 'text' },
  identifier: { column: 't.identifier', type: 'text' },
  status: { column: 't.status', type: 'text' },
  description: { column: 't.description', type: 'text' },
  type: { column: 'p.type', type: 'text' },
  algorithm: { column: 't.algorithm', type: 'text' },
  digits: { column: 't.digits', type: 'int' },
  counter: { column: 't.counter', type: 'int' },
  drift: { column: 't.drift', type: 'int' },
  confined: { column: 't.confined', type: 'bool' },
  failCount: { column: 't.fail_count', type: 'int' },
  locked: { column: 't.locked', type: 'bool' },
  lastUsedAt: { column: 't.last_used_at', type: 'time' },
  createdAt: { column: 't.created_at', type: 'time' },
  'product.id': { column: 'p.id', type: 'uuid' },
  'product.manufacturerCode': { column: 'p.manufacturer_code', type: 'text' },
  'product.productCode': { column: 'p.product_code', type: 'text' },
  'product.hardware': { column: 'p.hardware', type: 'bool' },
  'repository.id': { column: 'r.id', type: 'uuid' },
  'repository.name': { column: 'r.name', type: 'text' },
};

type ViewRow = Record<string, unknown> & { assignedUsers: TokenUser[]; sharedUsers: TokenUser[] };

function withUsers(row: ViewRow) {
  return { ...row, users: [...row.assignedUsers, ...row.sharedUsers] };
}

export async function getTokenView(db: Db, tokenId: string) {
  const [row] = await db.rows<ViewRow>(`${VIEW_SELECT} WHERE t.id = $1`, [tokenId]);
  if (!row) throw AppError.of(E.TOKEN_NOT_FOUND, { id: tokenId });
  return withUsers(row);
}

/** /token/get: by id, by serial, or the single token a `match` selects. */
export async function getToken(db: Db, params: TokenSelector & { match?: MatchEntry[] }) {
  if (params.id || params.token) return getTokenView(db, (await findToken(db, params)).id);
  const where = buildWhere(FIELDS, params.match);
  const rows = await db.rows<ViewRow>(`${VIEW_SELECT} WHERE ${where.sql} ORDER BY t.created_at, t.id LIMIT 2`, where.params);
  if (rows.length === 0) throw AppError.of(E.TOKEN_NOT_FOUND);
  if (rows.length > 1) throw AppError.of(E.CONFLICT, {}, 'match selects more than one token: use /token/search');
  return withUsers(rows[0]);
}

export interface TokenSearchParams extends SearchParams { user?: UserRef }

/** /token/search; `user` limits the rows to the tokens that user holds (owner or shared). */
export async function searchTokens(db: Db, users: UserResolver, params: TokenSearchParams) {
  const userId = params.user ? (await users.find(db, params.user)).id : null;
  const filter = {
    sql: '($1::uuid IS NULL OR EXISTS (SELECT 1 FROM token_assignments a WHERE a.token_id = t.id AND a.user_id = $1))',
    params: [userId],
  };
  const { total, rows } = await searchPage<ViewRow>(db,
    { select: VIEW_COLUMNS, from: VIEW_FROM, fields: FIELDS, defaultOrder: 't.created_at, t.id', filter }, params);
  return { total, rows: rows.map(withUsers) };
}
