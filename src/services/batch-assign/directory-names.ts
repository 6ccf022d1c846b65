import type { Db } from '../../db';
import { usernameKey } from '../../domain/names/username-key';
import { AppError, E } from '../../errors';
import { releaseLoginNames } from '../directory/directory-users';
import type { UserResolver } from '../directory/user-resolver';
import type { CheckedRow } from './row-checks';

/**
 * Before a chunk is staged: the users it names in directory domains are looked up there,
 * one OR-filter search per domain per chunk (not one per row), and their local rows made or
 * refreshed; so the staged check meets them by name as it meets local users. A name the
 * directory no longer has lets go of a stale local row holding it (a removed entry's).
 * `createUsers` in a directory domain → DOMAIN_READ_ONLY for the whole call.
 */
export async function resolveDirectoryNames(db: Db, users: UserResolver, rows: CheckedRow[], createUsers: boolean): Promise<void> {
  const byDomain = new Map<string, Set<string>>();
  for (const row of rows) {
    if (row.errorName || !row.domain || !row.loginName) continue;
    const names = byDomain.get(row.domain) ?? new Set<string>();
    names.add(row.loginName);
    byDomain.set(row.domain, names);
  }
  for (const [domainName, names] of byDomain) {
    const domain = await users.domain(db, { name: domainName });
    if (!domain?.directory) continue;
    if (createUsers) throw AppError.of(E.DOMAIN_READ_ONLY, { domain: domainName }, `Users of domain "${domainName}" come from its directory; createUsers cannot make them`);
    const found = await users.resolveMany(db, domain, [...names]);
    const missing = [...new Set([...names].map(usernameKey))].filter((key) => !found.has(key));
    await releaseLoginNames(db, domain.id, missing);
  }
}
