import type { Db } from '../../db';

export interface RowError {
  line: number;
  serial: string | null;
  name: string;
  message: string;
}

/** The checked rows: each staged row with the ids its names resolved to and its first problem, for every later statement of the batch. */
export async function createCheckedTable(db: Db): Promise<void> {
  await db.rows(`
    CREATE TEMPORARY TABLE batch_assign_checked (
      line int NOT NULL,
      serial text NOT NULL,
      status text,
      pin_hash text,
      domain_id uuid,
      login_name text NOT NULL,
      login_name_key text NOT NULL,
      user_id uuid,
      new_user_id uuid,          -- staging.ts: the id createUsers gives the user, when user_id is null
      token_id uuid,
      held_already boolean NOT NULL,
      problem text,              -- which check failed first (checkChunkStatement), null when none did
      error_name text,
      error_message text
    ) ON COMMIT DROP`);
}

/*
 * Every database check of a staged chunk's rows in one pass: the rows LEFT JOINed to the
 * directory and the tokens, the first problem of each row chosen by a CASE, in this
 * order: a problem of its own (row-checks.ts), domain, user, product, token, a
 * DECEASED token, a token named on several lines (MARK_NAMED_TWICE, once every chunk is
 * checked), a token owned by someone else.
 * Names meet the directory by their keys, as every method looks them up.
 * Each join hits a unique key, so a row never multiplies.
 * staging.ts runs it on each chunk, in one query string with the chunk's COPY: hence
 * `createUsers` as a literal (true or false), as a query string takes no parameters.
 */
export function checkChunkStatement({ createUsers }: { createUsers: boolean }): string {
  return `
  INSERT INTO batch_assign_checked
  WITH resolved AS (
    SELECT r.*, d.id AS domain_id, u.id AS user_id, p.id AS product_id, t.id AS token_id, t.status AS token_status,
           owner.user_id AS owner_id, mine.user_id IS NOT NULL AS held_already
    FROM batch_assign_chunk r
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
      WHEN user_id IS NULL AND NOT ${createUsers} THEN 'user'
      WHEN product_id IS NULL THEN 'product'
      WHEN token_id IS NULL THEN 'token'
      WHEN token_status = 'DECEASED' THEN 'deceased'
      WHEN owner_id IS NOT NULL AND owner_id IS DISTINCT FROM user_id THEN 'owned'
    END AS problem
    FROM resolved
  )
  SELECT line, serial, status, pin_hash, domain_id, login_name, login_name_key, user_id, new_user_id, token_id, held_already, problem,
    CASE problem
      WHEN 'own' THEN error_name
      WHEN 'domain' THEN 'DOMAIN_NOT_FOUND'
      WHEN 'user' THEN 'USER_NOT_FOUND'
      WHEN 'product' THEN 'PRODUCT_NOT_FOUND'
      WHEN 'token' THEN 'TOKEN_NOT_FOUND'
      WHEN 'deceased' THEN 'CONFLICT'
      WHEN 'owned' THEN 'TOKEN_ALREADY_ASSIGNED'
    END AS error_name,
    CASE problem
      WHEN 'own' THEN error_message
      WHEN 'domain' THEN format('domain "%s" not found', domain)
      WHEN 'user' THEN format('user "%s" not found in domain "%s"', login_name, domain)
      WHEN 'product' THEN format('product %s/%s not found', manufacturer_code, product_code)
      WHEN 'token' THEN format('token %s of product %s/%s not found', serial, manufacturer_code, product_code)
      WHEN 'deceased' THEN 'the token is DECEASED and cannot be assigned'
      WHEN 'owned' THEN 'the token is already assigned to another user'
    END AS error_message
  FROM judged`;
}

/*
 * A token named on several lines fails on all of them: the file does not say which owner
 * is meant. Its lines may lie in different chunks, so this runs once the file is checked.
 * Lines naming one product and serial resolved to one token id, whatever else failed on
 * them, and only a resolved token can be named twice; the problem replaces none that
 * comes before it in checkChunkStatement's order.
 */
const MARK_NAMED_TWICE = `
  UPDATE batch_assign_checked c
  SET problem = 'twice', error_name = 'TOKEN_ALREADY_ASSIGNED',
    error_message = format('the token is named on %s lines of the file (first on line %s); a token has one owner', named.times, named.first_line)
  FROM (
    SELECT token_id, count(*) AS times, min(line) AS first_line
    FROM batch_assign_checked WHERE token_id IS NOT NULL GROUP BY token_id HAVING count(*) > 1
  ) named
  WHERE c.token_id = named.token_id AND (c.problem IS NULL OR c.problem = 'owned')`;

export interface CheckCounts {
  total: number;
  failed: number;
  /** Good rows repeating an assignment that exists already (writeAssignments updates those). */
  repeated: number;
}

/** Ends the checks once every chunk went through checkChunkStatement (`tokenNamedTwice`: some token may be); returns how many rows there are, how many failed and how many repeat an assignment. */
export async function checkStagedRows(db: Db, opts: { tokenNamedTwice: boolean }): Promise<CheckCounts> {
  // Normally no token is named twice, and node saw that while staging (repeated-names.ts).
  if (opts.tokenNamedTwice) await db.rows(MARK_NAMED_TWICE);
  // batch_assign_checked is not analyzed: every later statement scans it whole, and the
  // planner takes its row count from its size on disk.
  const [counts] = await db.rows<CheckCounts>(`
    SELECT count(*)::int AS total, count(error_name)::int AS failed,
      count(*) FILTER (WHERE error_name IS NULL AND held_already)::int AS repeated
    FROM batch_assign_checked`);
  return counts;
}

/** The first `limit` failed rows, by line. */
export function listRowErrors(db: Db, limit: number): Promise<RowError[]> {
  return db.rows(`
    SELECT line, NULLIF(serial, '') AS serial, error_name AS name, error_message AS message
    FROM batch_assign_checked WHERE error_name IS NOT NULL ORDER BY line LIMIT $1`, [limit]);
}
