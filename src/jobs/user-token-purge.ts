import type { Database } from '../db';
import type { Logger } from 'pino';
import { deleteInBatches } from './batched-delete';
import type { Job } from './job';

export interface UserTokenPurgeOptions {
  /** How long a dead token stays visible in /user/listTokens before it is deleted. */
  graceSeconds: number;
  batchSize: number;
  /** Bounds one pass; what is left waits for the next one. */
  maxBatches: number;
  intervalMs: number;
}

const DEFAULTS: UserTokenPurgeOptions = { graceSeconds: 7 * 24 * 3600, batchSize: 10_000, maxBatches: 50, intervalMs: 10 * 60_000 };

/**
 * Deletes user tokens that can never work again: revoked or expired more than the grace
 * period ago, or whose user or ecosystem was deleted that long ago. Each batch is one
 * short DELETE of at most batchSize rows; SKIP LOCKED lets several server processes run
 * the job at once without waiting on, or deleting twice, the same rows.
 */
const DEAD = `
  DELETE FROM user_tokens WHERE id IN (
    SELECT id FROM user_tokens
     WHERE revoked_at < now() - $1 * interval '1 second' OR expires_at < now() - $1 * interval '1 second'
     LIMIT $2 FOR UPDATE SKIP LOCKED)`;
const ORPHANED = `
  DELETE FROM user_tokens WHERE id IN (
    SELECT t.id FROM user_tokens t JOIN users u ON u.id = t.user_id JOIN domains d ON d.id = t.domain_id
     WHERE u.deleted_at < now() - $1 * interval '1 second' OR d.deleted_at < now() - $1 * interval '1 second'
     LIMIT $2 FOR UPDATE OF t SKIP LOCKED)`;

export function createUserTokenPurgeJob(options: Partial<UserTokenPurgeOptions> = {}): Job {
  const o = { ...DEFAULTS, ...options };
  return {
    name: 'user-token-purge',
    intervalMs: o.intervalMs,
    async run(dataSource: Database, log: Logger) {
      let purged = 0;
      for (const statement of [DEAD, ORPHANED]) {
        purged += await deleteInBatches(dataSource, statement, [o.graceSeconds], o.batchSize, o.maxBatches);
      }
      if (purged > 0) log.info({ job: 'user-token-purge', purged }, 'purged user tokens');
    },
  };
}

export const userTokenPurgeJob = createUserTokenPurgeJob();
