import type { Db } from '../../db';
import { usernameKey } from '../../domain/names/username-key';
import type { DirectoryEntry } from './ldap/directory-source';

/**
 * The local rows of directory entries, keyed by (domain, stable id): made on first use,
 * their names and attributes refreshed from the entry each time it is read again (a rename
 * in the directory becomes a rename here; the tokens, held by the row's id, stay).
 * `missing`: login keys the directory no longer has; a row still holding one lets go of it.
 * → directory id → user id. Set-based: a batch chunk is two statements, whatever its size.
 */
export async function saveDirectoryUsers(db: Db, domainId: string, entries: DirectoryEntry[], missing: string[] = []): Promise<Map<string, string>> {
  // An entry's name may still be held by the row of another entry (renamed or removed since it
  // was last read): that row lets go of it, so the unique (domain, login name) holds; it takes
  // its own current name back when its entry is read again. The names nobody has now, in the same statement.
  await releaseLoginNames(db, domainId, [...entries.map((e) => usernameKey(e.loginName)), ...missing],
    [...entries.map((e) => e.directoryId), ...missing.map(() => null)]);
  if (entries.length === 0) return new Map();
  const cols = {
    ids: entries.map((e) => e.directoryId), names: entries.map((e) => e.loginName), keys: entries.map((e) => usernameKey(e.loginName)),
    first: entries.map((e) => e.firstName), last: entries.map((e) => e.lastName), email: entries.map((e) => e.email), mobile: entries.map((e) => e.mobile),
  };
  // One INSERT … ON CONFLICT for the chunk (not a statement per row); a refresh that changes nothing still writes the row,
  // which costs less than a second statement to find the rows that changed.
  const rows = await db.rows(`
    INSERT INTO users (domain_id, directory_id, login_name, login_name_key, first_name, last_name, email, mobile)
    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
    ON CONFLICT (domain_id, directory_id) WHERE deleted_at IS NULL AND directory_id IS NOT NULL
    DO UPDATE SET login_name = EXCLUDED.login_name, login_name_key = EXCLUDED.login_name_key, first_name = EXCLUDED.first_name,
                  last_name = EXCLUDED.last_name, email = EXCLUDED.email, mobile = EXCLUDED.mobile
    RETURNING id, directory_id AS "directoryId"`,
  [domainId, cols.ids, cols.names, cols.keys, cols.first, cols.last, cols.email, cols.mobile]);
  return new Map(rows.map((r: { id: string; directoryId: string }) => [r.directoryId, r.id]));
}

/**
 * Rows of `domainId` holding one of these login keys let go of it (their name gets " (<id>)"
 * appended), so another entry may take it. With `keptBy` (directory ids, parallel to `keys`)
 * the row of the entry that now has the name keeps it (any other row, a local one too, lets
 * go); without it, directory rows let go (a NULL is "distinct from" every directory id).
 */
export async function releaseLoginNames(db: Db, domainId: string, keys: string[], keptBy?: Array<string | null>): Promise<void> {
  if (keys.length === 0) return;
  await db.rows(`
    UPDATE users u SET login_name = u.login_name || ' (' || u.id || ')', login_name_key = u.login_name_key || ' (' || u.id || ')'
      FROM unnest($2::text[], $3::text[]) AS e(login_name_key, directory_id)
     WHERE u.domain_id = $1 AND u.deleted_at IS NULL AND u.login_name_key = e.login_name_key
       AND u.directory_id IS DISTINCT FROM e.directory_id`, [domainId, keys, keptBy ?? keys.map(() => null)]);
}
