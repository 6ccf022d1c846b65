import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/**
 * A SlidingTtl token's verify moves its expires_at on every call. Under a B-tree index on
 * that column, each of those updates wrote a new row version into every index of
 * user_tokens (no HOT update): issue 13's profile showed the sliding UPDATE costing the
 * database about ten times the SELECT of the same lookup. From PostgreSQL 16 a BRIN
 * index is "summarizing" and no longer rules out HOT updates, and the purge job, its one
 * reader, is a background batch that can afford to scan the block ranges BRIN names.
 * (On PostgreSQL 13–15, which tokengate also runs on, the BRIN index keeps the old behaviour: not HOT, still correct.)
 */
export class SlidingExpiryBrin1764130000013 implements MigrationInterface {
  name = 'SlidingExpiryBrin1764130000013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX user_tokens_expires;
      CREATE INDEX user_tokens_expires ON user_tokens USING brin (expires_at) WHERE expires_at IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX user_tokens_expires;
      CREATE INDEX user_tokens_expires ON user_tokens (expires_at) WHERE expires_at IS NOT NULL;
    `);
  }
}
