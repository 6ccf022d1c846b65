import { type Db, sql } from '../../db';
import type { ImportProblem } from '../../domain/import';
import { AppError, E } from '../../errors';

/** At most this many bad entries are listed in data.errors; data.failed counts them all when there are more. */
export const MAX_LISTED_PROBLEMS = 1000;

/*
 * A serial named by several good entries: every one after the first is bad, naming
 * the first (test/support/import-reader.ts restates this rule for the unit tests,
 * which have no database). One hash aggregate over
 * the staged rows, then an UPDATE that touches only the repeated ones.
 */
const MARK_REPEATED_SERIALS = `
  UPDATE token_import_rows r SET problem = format('serial %s is already used by entry %s of this file', r.serial, d.first)
  FROM (SELECT serial, min(position) AS first FROM token_import_rows WHERE problem IS NULL
        GROUP BY serial HAVING count(*) > 1) d
  WHERE r.serial = d.serial AND r.problem IS NULL AND r.position <> d.first`;

/** All-or-nothing: any bad entry → IMPORT_FILE_INVALID listing them by position; returns the number of tokens. */
export async function refuseBadEntries(db: Db): Promise<number> {
  await sql(db, 'ANALYZE token_import_rows'); // temporary tables are never auto-analyzed
  await sql(db, MARK_REPEATED_SERIALS);
  const [{ total, failed }] = await sql<{ total: number; failed: number }>(db,
    `SELECT count(*)::int AS total, count(problem)::int AS failed FROM token_import_rows`);
  if (failed === 0) return total;
  const listed = await sql<{ position: number; serial: string | null; message: string }>(db, `
    SELECT position, serial, problem AS message FROM token_import_rows
    WHERE problem IS NOT NULL ORDER BY position LIMIT $1`, [MAX_LISTED_PROBLEMS]);
  const errors: ImportProblem[] = listed.map((r) => ({ position: r.position, ...(r.serial ? { serial: r.serial } : {}), message: r.message }));
  throw AppError.of(E.IMPORT_FILE_INVALID, { errors, ...(failed > listed.length ? { failed } : {}) }, summary(errors, failed));
}

/** Serials the product already had (marked while staging) → SERIAL_DUPLICATE listing them (up to 1000). */
export async function refuseExistingSerials(db: Db): Promise<void> {
  const existing = await sql<{ serial: string }>(db, `SELECT serial FROM token_import_rows WHERE conflict ORDER BY serial LIMIT 1000`);
  if (existing.length > 0) throw AppError.of(E.SERIAL_DUPLICATE, { serials: existing.map((r) => r.serial) });
}

function summary(errors: ImportProblem[], failed: number): string {
  const [first] = errors;
  const more = failed > 1 ? ` (and ${failed - 1} more problem${failed > 2 ? 's' : ''})` : '';
  return `entry ${first.position}${first.serial ? ` (serial ${first.serial})` : ''}: ${first.message}${more}`;
}
