import type { Job } from '../../jobs/job';

/** Drops counters whose window has ended; any number of processes may run it at once. */
export const rateLimitCleanupJob: Job = {
  name: 'rate-limit-cleanup',
  intervalMs: 60_000,
  async run(dataSource) {
    await dataSource.rows(`DELETE FROM rate_limits WHERE window_ends_at < now() - interval '1 minute'`);
  },
};
