import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { usernameKey } from '../../domain/names/username-key';
import { type MatchEntry, UUID } from '../query/search-query';
import { createRecord, getRecord, Resource, setRecord } from './resource';
import { DomainRef, findDomain, UserRef } from './refs';
import type { UserResolver } from './user-resolver';

export const USERS: Resource = {
  noun: 'user',
  table: 'users',
  from: 'users t JOIN domains d ON d.id = t.domain_id',
  select: `t.id, json_build_object('id', d.id, 'name', d.name) AS domain, t.login_name AS "loginName",
    t.first_name AS "firstName", t.last_name AS "lastName", t.email, t.mobile, t.status, t.created_at AS "createdAt"`,
  // A deleted domain has no live users (delete refuses, or cascades), so the user's own tombstone suffices.
  live: 't.deleted_at IS NULL',
  defaultOrder: 'd.name, t.login_name, t.id',
  fields: {
    id: { column: 't.id', type: 'uuid' },
    'domain.id': { column: 'd.id', type: 'uuid' },
    'domain.name': { column: 'd.name', type: 'text', keyed: { column: 'd.name_key', key: usernameKey } },
    loginName: { column: 't.login_name', type: 'text', keyed: { column: 't.login_name_key', key: usernameKey } },
    loginNam: { column: 't.login_name', type: 'text', keyed: { column: 't.login_name_key', key: usernameKey } },
    firstName: { column: 't.first_name', type: 'text' },
    lastName: { column: 't.last_name', type: 'text' },
    email: { column: 't.email', type: 'text' },
    mobile: { column: 't.mobile', type: 'text' },
    status: { column: 't.status', type: 'text' },
    createdAt: { column: 't.created_at', type: 'time' },
  },
  writable: {
    loginName: 'login_name', firstName: 'first_name', lastName: 'last_name', email: 'email', mobile: 'mobile', status: 'status',
  },
  keyColumns: { login_name: 'login_name_key' },
  // loginNames are unique per domain by their key: "José", "jose\u0301" and "JOSÉ" are one user.
  unique: { users_login_key_live: ['domain', 'loginName'] },
  notFound: E.USER_NOT_FOUND,
};

export interface UserAttrs {
  loginName?: string; loginNam?: string; firstName?: string | null; lastName?: string | null;
  email?: string | null; mobile?: string | null; status?: string;
}
export interface UserGetParams { id?: string; match?: MatchEntry[]; domain?: DomainRef; loginName?: string; loginNam?: string }

export async function createUser(db: Db, users: UserResolver, attrs: UserAttrs & { domain: DomainRef }) {
  if ((await users.domain(db, attrs.domain))?.directory) throw AppError.of(E.DOMAIN_READ_ONLY);
  const domain = await findDomain(db, attrs.domain, { forShare: true });
  return createRecord(db, USERS, withLoginName(attrs), { domain_id: domain.id });
}

/**
 * A user by id, by match, or by {domain, loginName}: all become one match. A reference
 * (id, or domain and loginName) goes through the resolver first: in a directory domain the
 * directory answers who it is, and the local row is read by the id it gives.
 */
export async function getUser(db: Db, users: UserResolver, params: UserGetParams) {
  const ref = referenceOf(params);
  if (ref) return getRecord(db, USERS, { id: (await users.find(db, ref)).id });
  return getUserByMatch(db, params);
}

/** {id} alone, or {domain, loginName} alone (as params or as `=` matches): a reference the resolver takes. */
function referenceOf(params: UserGetParams): UserRef | null {
  const match = params.match ?? [];
  if (params.id && match.length === 0) return { id: params.id };
  const ref: UserRef = { domain: params.domain ? { ...params.domain } : undefined, loginName: params.loginName ?? params.loginNam };
  for (const [field, op, value] of match) {
    if (op !== '=' || typeof value !== 'string') return null;
    if (field === 'domain.name') ref.domain = { ...ref.domain, name: value };
    // a domain.id of the wrong type is the match path's to refuse (INVALID_PARAMS), as any other field's
    else if (field === 'domain.id' && UUID.test(value)) ref.domain = { ...ref.domain, id: value };
    else if (field === 'loginName' || field === 'loginNam') ref.loginName = value;
    else return null;
  }
  return !params.id && ref.domain && ref.loginName !== undefined ? ref : null;
}

function getUserByMatch(db: Db, params: UserGetParams) {
  const match: MatchEntry[] = [...(params.match ?? [])];
  if (params.domain?.id) match.push(['domain.id', '=', params.domain.id]);
  if (params.domain?.name) match.push(['domain.name', '=', params.domain.name]);
  const loginName = params.loginName ?? params.loginNam;
  if (loginName !== undefined) match.push(['loginName', '=', loginName]);
  return getRecord(db, USERS, { id: params.id, match });
}

/** The fields a directory domain's directory owns: a change here would be overwritten at the next lookup. */
const FROM_DIRECTORY = ['loginName', 'loginNam', 'firstName', 'lastName', 'email', 'mobile'] as const;

/** /user/set. A directory user's status may change here (a local lock); its names and attributes are the directory's. */
export async function setUser(db: Db, users: UserResolver, id: string, attrs: UserAttrs) {
  if (FROM_DIRECTORY.some((f) => attrs[f] !== undefined)) {
    const [row] = await db.rows('SELECT domain_id AS "domainId" FROM users WHERE id = $1 AND deleted_at IS NULL', [id]);
    if (row && (await users.domain(db, { id: row.domainId }))?.directory) throw AppError.of(E.DOMAIN_READ_ONLY);
  }
  return setRecord(db, USERS, id, withLoginName(attrs));
}

/**
 * Soft-deletes the live users whose `column` equals `value`, and removes their OTP
 * token assignments (the tokens themselves stay).
 *
 * Two statements on purpose: /token/assign and /token/create hold the user FOR SHARE
 * while they add an assignment, so the UPDATE waits for them to commit; the DELETE then
 * starts with a fresh snapshot that sees what they added. In one statement it would use
 * the snapshot taken before the wait, and such an assignment would survive its user.
 */
export async function softDeleteUsers(db: Db, column: 'id' | 'domain_id', value: string) {
  const deleted = await db.count(`UPDATE users SET deleted_at = now() WHERE ${column} = $1 AND deleted_at IS NULL`, [value]);
  const unassigned = deleted === 0 ? 0 : await db.count(`DELETE FROM token_assignments a USING users u
      WHERE a.user_id = u.id AND u.${column} = $1 AND u.deleted_at IS NOT NULL`, [value]);
  return { deleted, unassigned };
}

/** DualShield's own examples spell it "loginNam"; loginName wins when both are given. */
function withLoginName<T extends UserAttrs>(attrs: T): Omit<T, 'loginNam'> {
  const { loginNam, ...rest } = attrs;
  return rest.loginName === undefined && loginNam !== undefined ? { ...rest, loginName: loginNam } : rest;
}

export async function deleteUser(db: Db, id: string) {
  const { deleted, unassigned } = await softDeleteUsers(db, 'id', id);
  if (deleted === 0) throw AppError.of(E.USER_NOT_FOUND);
  return { id, unassignedTokens: unassigned };
}
