import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/** Attempt counters for rate limiting, shared by every server process (src/services/rate-limit). */
export class RateLimits1764130000006 implements MigrationInterface {
  name = 'RateLimits1764130000006';

  async up(q: QueryRunner): Promise<void> {
    // UNLOGGED: no WAL for a counter written on every counted attempt. A crash (or a
    // failover to a replica) empties it, which only resets the windows in progress.
    await q.query(`
      CREATE UNLOGGED TABLE rate_limits (
        bucket text PRIMARY KEY,            -- e.g. auth-fail:ip:203.0.113.7
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limits');
  }
}
