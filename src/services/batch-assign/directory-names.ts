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
  // The chunk's domains first (a file names one or a few), as the resolver has them cached:
  // only the names of directory domains are gathered (a local domain's were, every row of
  // every chunk, for nothing).
  const domainNames = new Set<string>();
  let last: string | undefined;
  for (const row of rows) {
    if (row.domain !== last && !row.errorName && row.domain && row.loginName) domainNames.add(last = row.domain);
  }
  for (const domainName of domainNames) {
    const domain = await users.domain(db, { name: domainName });
    if (!domain?.directory) continue;
    if (createUsers) throw AppError.of(E.DOMAIN_READ_ONLY, { domain: domainName }, `Users of domain "${domainName}" come from its directory; createUsers cannot make them`);
    const names = new Set<string>();
    for (const row of rows) if (row.domain === domainName && !row.errorName && row.loginName) names.add(row.loginName);
    const found = await users.resolveMany(db, domain, [...names]);
    const missing = [...new Set([...names].map(usernameKey))].filter((key) => !found.has(key));
    await releaseLoginNames(db, domain.id, missing);
  }
}
