import type { EntityManager } from 'typeorm';
import { sql } from '../../db/sql';

export interface RowError {
  line: number;
  serial: string | null;
  name: string;
  message: string;
}

/*
 * Every database check of every row in one pass: the staged rows LEFT JOINed to the
 * directory and the tokens, the first problem of each row chosen by a CASE, in this
 * order: a problem of its own (row-checks.ts), domain, user, product, token, a
 * DECEASED token, a token named on several lines, a token owned by someone else.
 * Names meet the directory by their keys, as every method looks them up.
 * Each join hits a unique key, so a row never multiplies. A token named on several
 * lines fails on all of them: the file does not say which owner is meant.
 */
const CHECK_ROWS = `
  CREATE TEMPORARY TABLE batch_assign_checked ON COMMIT DROP AS
  WITH named_twice AS (
    -- one token per product and serial: a hash aggregate of three narrow columns, where a
    -- window over the token id sorted every wide row of the batch
    SELECT manufacturer_code, product_code, serial, count(*) AS times, min(line) AS first_line
    FROM batch_assign_rows GROUP BY manufacturer_code, product_code, serial HAVING count(*) > 1
  ), resolved AS (
    SELECT r.*, d.id AS domain_id, u.id AS user_id, p.id AS product_id, t.id AS token_id, t.status AS token_status,
           owner.user_id AS owner_id, mine.user_id IS NOT NULL AS held_already,
           coalesce(named.times, 1) AS times_named, named.first_line
    FROM batch_assign_rows r
    LEFT JOIN named_twice named USING (manufacturer_code, product_code, serial)
    LEFT JOIN domains d ON d.name_key = r.domain_key AND d.deleted_at IS NULL
    LEFT JOIN users u ON u.domain_id = d.id AND u.login_name_key = r.login_name_key AND u.deleted_at IS NULL
    LEFT JOIN products p ON p.manufacturer_code = r.manufacturer_code AND p.product_code = r.product_code
    LEFT JOIN tokens t ON t.product_id = p.id AND t.serial = r.serial
    LEFT JOIN token_assignments owner ON owner.token_id = t.id AND owner.role = 'owner'
    LEFT JOIN token_assignments mine ON mine.token_id = t.id AND mine.user_id = u.id
  ), judged AS (
    SELECT *, CASE
      WHEN error_name IS NOT NULL THEN 'own'
      WHEN domain_id IS NULL THEN 'domain'
      WHEN user_id IS NULL AND NOT $1 THEN 'user'
      WHEN product_id IS NULL THEN 'product'
      WHEN token_id IS NULL THEN 'token'
      WHEN token_status = 'DECEASED' THEN 'deceased'
      WHEN times_named > 1 THEN 'twice'
      WHEN owner_id IS NOT NULL AND owner_id IS DISTINCT FROM user_id THEN 'owned'
    END AS problem
    FROM resolved
  )
  SELECT line, serial, status, pin_hash, domain_id, login_name, login_name_key, user_id, token_id, held_already,
    CASE problem
      WHEN 'own' THEN error_name
      WHEN 'domain' THEN 'DOMAIN_NOT_FOUND'
      WHEN 'user' THEN 'USER_NOT_FOUND'
      WHEN 'product' THEN 'PRODUCT_NOT_FOUND'
      WHEN 'token' THEN 'TOKEN_NOT_FOUND'
      WHEN 'deceased' THEN 'CONFLICT'
      ELSE CASE WHEN problem IS NOT NULL THEN 'TOKEN_ALREADY_ASSIGNED' END
    END AS error_name,
    CASE problem
      WHEN 'own' THEN error_message
      WHEN 'domain' THEN format('domain "%s" not found', domain)
      WHEN 'user' THEN format('user "%s" not found in domain "%s"', login_name, domain)
      WHEN 'product' THEN format('product %s/%s not found', manufacturer_code, product_code)
      WHEN 'token' THEN format('token %s of product %s/%s not found', serial, manufacturer_code, product_code)
      WHEN 'deceased' THEN 'the token is DECEASED and cannot be assigned'
      WHEN 'twice' THEN format('the token is named on %s lines of the file (first on line %s); a token has one owner', times_named, first_line)
      WHEN 'owned' THEN 'the token is already assigned to another user'
    END AS error_message
  FROM judged`;

export interface CheckCounts {
  total: number;
  failed: number;
  /** Good rows repeating an assignment that exists already (writeAssignments updates those). */
  repeated: number;
}

/** Checks the staged rows against the database; returns how many rows there are, how many failed and how many repeat an assignment. */
export async function checkStagedRows(db: EntityManager, opts: { createUsers: boolean }): Promise<CheckCounts> {
  // Temporary tables are never auto-analyzed, and the check's join order needs the staged
  // keys' statistics. A small sample (3,000 rows, not 30,000) gives them at a tenth of the cost.
  await db.query('SET LOCAL default_statistics_target = 10');
  await db.query('ANALYZE batch_assign_rows');
  await db.query('SET LOCAL default_statistics_target TO DEFAULT');
  // batch_assign_checked is not analyzed: every later statement scans it whole, and the
  // planner takes its row count from its size on disk.
  await db.query(CHECK_ROWS, [opts.createUsers]);
  const [counts] = await sql<CheckCounts>(db, `
    SELECT count(*)::int AS total, count(error_name)::int AS failed,
      count(*) FILTER (WHERE error_name IS NULL AND held_already)::int AS repeated
    FROM batch_assign_checked`);
  return counts;
}

/** The first `limit` failed rows, by line. */
export function listRowErrors(db: EntityManager, limit: number): Promise<RowError[]> {
  return sql(db, `
    SELECT line, NULLIF(serial, '') AS serial, error_name AS name, error_message AS message
    FROM batch_assign_checked WHERE error_name IS NOT NULL ORDER BY line LIMIT $1`, [limit]);
}
