import type { Db } from '../../db';
import { likeFilter, equalityFilter, andFilter } from '../../domain/ldap/filter-escape';
import { AppError, E } from '../../errors';
import type { MatchEntry, SearchParams } from '../query/search-query';
import { saveDirectoryUsers } from './directory-users';
import { fromDirectory } from './ldap/directory-errors';
import type { ResolvedDomain, UserResolver } from './user-resolver';
import { USERS } from './users';

/** The domain a match picks (`domain.name` / `domain.id` with `=`), when that is a directory domain. */
export async function directoryDomainOf(db: Db, users: UserResolver, match: MatchEntry[] = []): Promise<ResolvedDomain | null> {
  for (const [field, op, value] of match) {
    if (op !== '=' || typeof value !== 'string') continue;
    const ref = field === 'domain.name' ? { name: value } : field === 'domain.id' ? { id: value } : null;
    if (!ref) continue;
    const domain = await users.domain(db, ref);
    if (domain?.directory) return domain;
  }
  return null;
}

/**
 * /user/search on a directory domain: the directory's users, read page by page (Simple
 * Paged Results, RFC 2696), ordered by login name; `total` is the directory's count. A
 * match on loginName (`=`, `like`) goes into the LDAP filter, escaped; any other field
 * cannot be asked of a directory and is refused. The rows of the page answered get their
 * local row (made on first use) and their tokens from the local data.
 */
export async function searchDirectoryUsers(db: Db, domain: ResolvedDomain, params: SearchParams) {
  const filters: string[] = [];
  for (const [field, op, value] of params.match ?? []) {
    if (field === 'domain.name' || field === 'domain.id') continue;
    if ((field === 'loginName' || field === 'loginNam') && (op === '=' || op === 'like') && typeof value === 'string') {
      const attribute = domain.directory!.settings.loginAttribute;
      filters.push(op === '=' ? equalityFilter(attribute, value) : likeFilter(attribute, value));
      continue;
    }
    const message = `a directory domain is searched by loginName (=, like) only, not by ${field} ${op}`;
    throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/match', message }] }, message);
  }
  const entries = await fromDirectory(() => domain.directory!.findAll(andFilter(...filters)));
  if (entries === null) {
    const message = 'the directory holds more users than one search reads; narrow the match on loginName';
    throw AppError.of(E.INVALID_PARAMS, { errors: [{ path: '/match', message }] }, message);
  }
  const offset = params.offset ?? 0;
  const page = entries.slice(offset, offset + (params.limit ?? 100));
  const ids = await saveDirectoryUsers(db, domain.id, page);
  const order = page.map((e) => ids.get(e.directoryId)!);
  const rows = order.length === 0 ? [] : await db.rows(`
    SELECT ${USERS.select},
           coalesce((SELECT json_agg(json_build_object('id', tk.id, 'serial', tk.serial) ORDER BY tk.serial)
                       FROM token_assignments a JOIN tokens tk ON tk.id = a.token_id WHERE a.user_id = t.id), '[]') AS tokens
      FROM ${USERS.from} WHERE t.id = ANY($1::uuid[])`, [order]);
  const byId = new Map(rows.map((r: { id: string }) => [r.id, r]));
  return { total: entries.length, rows: order.map((id) => byId.get(id)) };
}
