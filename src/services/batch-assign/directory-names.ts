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
    // The chunk's domains first (a file names one or a few), as the resolver has them cached:
    // only the names of directory domains are gathered (a local domain's were, every row of
    // every chunk, for nothing: 3–4 % of the server's CPU in a 100k batch).
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
      await users.resolveMany(db, domain, [...names], bulk);
    }
  };
}
