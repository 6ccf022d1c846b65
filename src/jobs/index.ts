import type { Database } from '../db';
import type { Logger } from 'pino';
import { expiredRowsPurgeJob } from './expired-rows-purge';
import { userTokenPurgeJob } from './user-token-purge';
import { rateLimitCleanupJob } from '../services/rate-limit/cleanup-job';
import type { Job } from './job';

export type { Job } from './job';

/** Jobs every server process runs in the background. */
export const jobs: Job[] = [userTokenPurgeJob, expiredRowsPurgeJob, rateLimitCleanupJob];

/** Starts every job on its interval; returns a stop function that waits for a running pass. */
export function startJobs(dataSource: Database, log: Logger, list: readonly Job[] = jobs): () => Promise<void> {
  const running = new Set<Promise<void>>();
  const timers = list.map((job) => setInterval(() => {
    const pass = job.run(dataSource, log)
      .catch((err) => log.error({ err, job: job.name }, 'job failed'))
      .finally(() => running.delete(pass));
    running.add(pass);
  }, job.intervalMs).unref());
  return async () => {
    timers.forEach(clearInterval);
    await Promise.all(running);
  };
}
