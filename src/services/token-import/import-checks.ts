import type { EntityManager } from 'typeorm';
import { sql } from '../../db/sql';
import type { ImportProblem } from '../../domain/import';
import { AppError, E, isUniqueViolation } from '../../errors';

/** At most this many bad entries are listed in data.errors; data.failed counts them all when there are more. */
export const MAX_LISTED_PROBLEMS = 1000;

/*
 * A serial named by several good entries: every one after the first is bad, as the
 * whole-file reader (token-checks.ts assembleTokens) says it. One hash aggregate over
 * the staged rows, then an UPDATE that touches only the repeated ones.
 */
const MARK_REPEATED_SERIALS = `
  UPDATE token_import_rows r SET problem = format('serial %s is already used by entry %s of this file', r.serial, d.first)
  FROM (SELECT serial, min(position) AS first FROM token_import_rows WHERE problem IS NULL
        GROUP BY serial HAVING count(*) > 1) d
  WHERE r.serial = d.serial AND r.problem IS NULL AND r.position <> d.first`;

/** All-or-nothing: any bad entry → IMPORT_FILE_INVALID listing them by position; returns the number of tokens. */
export async function refuseBadEntries(db: EntityManager): Promise<number> {
  await db.query('ANALYZE token_import_rows'); // temporary tables are never auto-analyzed
  await db.query(MARK_REPEATED_SERIALS);
  const [{ total, failed }] = await sql<{ total: number; failed: number }>(db,
    `SELECT count(*)::int AS total, count(problem)::int AS failed FROM token_import_rows`);
  if (failed === 0) return total;
  const listed = await sql<{ position: number; serial: string | null; message: string }>(db, `
    SELECT position, serial, problem AS message FROM token_import_rows
    WHERE problem IS NOT NULL ORDER BY position LIMIT $1`, [MAX_LISTED_PROBLEMS]);
  const errors: ImportProblem[] = listed.map((r) => ({ position: r.position, ...(r.serial ? { serial: r.serial } : {}), message: r.message }));
  throw AppError.of(E.IMPORT_FILE_INVALID, { errors, ...(failed > listed.length ? { failed } : {}) }, summary(errors, failed));
}

/** Serials the product already has → SERIAL_DUPLICATE listing them (up to 1000). */
export async function refuseExistingSerials(db: EntityManager): Promise<void> {
  const existing = await sql<{ serial: string }>(db, `
    SELECT r.serial FROM token_import_rows r JOIN tokens t ON t.product_id = r.product_id AND t.serial = r.serial
    ORDER BY r.serial LIMIT 1000`);
  if (existing.length > 0) throw AppError.of(E.SERIAL_DUPLICATE, { serials: existing.map((r) => r.serial) });
}

/** The tokens, in one INSERT … SELECT. A concurrent import may take a serial after the check above. */
export async function insertStagedTokens(db: EntityManager, repositoryId: string | null): Promise<void> {
  try {
    await db.query(`
      INSERT INTO tokens (id, product_id, repository_id, serial, seed_sealed, algorithm, digits, period, counter)
      SELECT id, product_id, $1::uuid, serial, seed_sealed, algorithm, digits, period, counter FROM token_import_rows`, [repositoryId]);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const serial = /=\([^,]+, (.*)\) already exists/.exec((err as { detail?: string }).detail ?? '')?.[1];
    throw AppError.of(E.SERIAL_DUPLICATE, { serials: serial ? [serial] : [] });
  }
}

function summary(errors: ImportProblem[], failed: number): string {
  const [first] = errors;
  const more = failed > 1 ? ` (and ${failed - 1} more problem${failed > 2 ? 's' : ''})` : '';
  return `entry ${first.position}${first.serial ? ` (serial ${first.serial})` : ''}: ${first.message}${more}`;
}
