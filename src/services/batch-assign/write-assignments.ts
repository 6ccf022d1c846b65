import type { Db } from '../../db';
import { AppError, E, isUniqueViolation } from '../../errors';

/**
 * The writes of a batch, each one statement over the checked rows (validate-staged.ts)
 * whose error_name is null. They run only after every check passed (atomic mode) or
 * for the good rows alone (partial mode).
 */

/**
 * createUsers: the good rows' unknown users, created in their (existing) domains.
 * `namesMayRepeat` (repeated-names.ts): whether a user may be named on several lines;
 * when none is, each row is its own user and no grouping is needed.
 * Answers how an assignment finds its new user: `usersByName` false when each new user got
 * the new_user_id of its row (no user named twice, none made meanwhile by another call), so
 * no join is needed; true otherwise.
 */
export async function createMissingUsers(db: Db, { namesMayRepeat }: { namesMayRepeat: boolean }): Promise<{ usersByName: boolean }> {
  // A plain INSERT first: ON CONFLICT's speculative insertion costs a probe and a
  // confirmation per row. Another call may have created one of the users meanwhile;
  // its unique index then refuses the lot, and the same rows go again with ON CONFLICT
  // DO NOTHING, which simply finds that user.
  await db.rows('SAVEPOINT batch_assign_users');
  let usersByName = namesMayRepeat;
  try {
    await db.rows(namesMayRepeat ? NEW_USERS : NEW_USERS_ONE_PER_ROW);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    await db.rows('ROLLBACK TO SAVEPOINT batch_assign_users');
    await db.rows(`${NEW_USERS} ON CONFLICT (domain_id, login_name_key) WHERE deleted_at IS NULL DO NOTHING`);
    usersByName = true;
  }
  await db.rows('RELEASE SAVEPOINT batch_assign_users');
  return { usersByName };
}

/**
 * No user named twice: every new user's row, nothing sorted. The checked table holds the
 * chunks in file order and, as the checks' plans go (index probes per row), each chunk
 * mostly in file order too: the ids, made in file order, then mostly ascend.
 */
const NEW_USERS_ONE_PER_ROW = `
  INSERT INTO users (id, domain_id, login_name, login_name_key)
  SELECT new_user_id, domain_id, login_name, login_name_key FROM batch_assign_checked
  WHERE error_name IS NULL AND user_id IS NULL`;

/**
 * One user per name key, spelled as on its first line ("José" and "JOSÉ" are one user),
 * with that line's new_user_id. The keys are sorted bytewise (COLLATE "C"): the same
 * groups, as a database's collation is deterministic and its equality bytewise, without
 * the collation's costlier comparisons (the sort took half the time; 65 ms less at 100k
 * new users). The users go in by id, which is file order (time-ordered ids, staging.ts):
 * each insert then meets the right edge of the id index, not a random page (at 100k new
 * users, 0.93 s instead of 1.39–1.55 s), and so do the assignments' inserts after it.
 */
const NEW_USERS = `
  INSERT INTO users (id, domain_id, login_name, login_name_key)
  SELECT * FROM (
    SELECT DISTINCT ON (login_name_key COLLATE "C", domain_id) new_user_id, domain_id, login_name, login_name_key FROM batch_assign_checked
    WHERE error_name IS NULL AND user_id IS NULL
    ORDER BY login_name_key COLLATE "C", domain_id, line
  ) first_lines ORDER BY new_user_id`;

/*
 * The users createMissingUsers made, found by name where the row had none; a join in the
 * INSERT below rather than an UPDATE writing a user id into every staged row.
 */
const CREATED_USERS = `LEFT JOIN users created ON c.user_id IS NULL
  AND created.domain_id = c.domain_id AND created.login_name_key = c.login_name_key AND created.deleted_at IS NULL`;

/**
 * Assigns every good row's token to its user as owner. A row repeating an assignment
 * that already exists is accepted (a re-run of the same file succeeds): its PIN and
 * status, when the row gives them, replace the stored ones, and a user who only
 * shared the token becomes its owner. The checks told new rows from repeated ones
 * (held_already), so the INSERT needs no per-row ON CONFLICT probe; an assignment
 * made meanwhile by a concurrent call breaks a unique index instead, and the whole
 * call fails with TOKEN_ALREADY_ASSIGNED, writing nothing (a retry reports the row).
 * `repeated`: how many good rows repeat an assignment (checkStagedRows counted them); with
 * none, the UPDATE is skipped rather than run as a scan that finds nothing.
 * `usersByName` (from createMissingUsers): a row without a user id
 * finds its user by name; otherwise such a row's user has its new_user_id (and without
 * createUsers every good row has a user id), and no join is needed.
 */
export async function writeAssignments(db: Db, { repeated, usersByName }: { repeated: number; usersByName: boolean }): Promise<void> {
  if (repeated > 0) await updateRepeatedAssignments(db);
  const [userId, join] = usersByName ? ['coalesce(c.user_id, created.id)', CREATED_USERS] : ['coalesce(c.user_id, c.new_user_id)', ''];
  try {
    await db.rows(`
      INSERT INTO token_assignments (token_id, user_id, role, pin_hash, status)
      SELECT c.token_id, ${userId}, 'owner', c.pin_hash, coalesce(c.status, 'ACTIVE')
      FROM batch_assign_checked c ${join}
      WHERE c.error_name IS NULL AND NOT c.held_already`);
  } catch (err) {
    if (isUniqueViolation(err)) throw AppError.of(E.TOKEN_ALREADY_ASSIGNED, { reason: 'a token of the batch was assigned by another call meanwhile; nothing was written' });
    throw err;
  }
}

/** The rows that repeat an assignment: their PIN and status, when given, replace the stored ones; the user becomes owner. */
async function updateRepeatedAssignments(db: Db): Promise<void> {
  await db.rows(`
    UPDATE token_assignments a
    SET role = 'owner', pin_hash = coalesce(g.pin_hash, a.pin_hash), status = coalesce(g.status, a.status)
    FROM (SELECT c.token_id, c.user_id, c.status, c.pin_hash FROM batch_assign_checked c WHERE c.error_name IS NULL AND c.held_already) g
    WHERE a.token_id = g.token_id AND a.user_id = g.user_id
      AND (a.role <> 'owner' OR g.pin_hash IS NOT NULL OR g.status <> a.status)`);
}
