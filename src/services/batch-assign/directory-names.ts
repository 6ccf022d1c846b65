import type { Db } from '../../db';
import { AppError, E } from '../../errors';
import { BulkResolution, UserResolver } from '../directory/user-resolver';
import type { CheckedRow } from './row-checks';

/**
 * Before each chunk is staged: the users it names in directory domains are looked up there
 * and their local rows made or refreshed (set-based), so the staged check meets them by name
 * as it meets local users. A domain named by many rows of a chunk has its whole directory
 * read once for the batch; else one OR-filter search per 100 names (user-resolver.ts
 * resolveMany). A name the directory no longer has lets go of a stale local row holding it
 * (a removed entry's). `createUsers` in a directory domain → DOMAIN_READ_ONLY for the whole call.
 * → the function to call with each chunk's rows.
 */
export function directoryNameResolver(db: Db, users: UserResolver, createUsers: boolean): (rows: CheckedRow[]) => Promise<void> {
  const bulk = new BulkResolution();
  return async (rows) => {
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
      await users.resolveMany(db, domain, [...names], bulk);
    }
  };
}
