import type { Database } from '../db';
import type { Logger } from 'pino';
import { AuditPartitionPolicy, maintainAuditPartitions } from '../services/audit/audit-partitions';
import type { Job } from './index';

/** Hourly: partitions for the days ahead, the default partition emptied, expired days dropped (audit-partitions.ts). */
export function createAuditPartitionJob(policy: AuditPartitionPolicy): Job {
  return {
    name: 'audit-partitions',
    intervalMs: 3600_000,
    async run(dataSource: Database, log: Logger) {
      const report = await maintainAuditPartitions(dataSource, policy);
      if (report.created.length || report.dropped.length) log.info({ job: 'audit-partitions', ...report }, 'audit partitions maintained');
      if (report.skipped.length) log.warn({ job: 'audit-partitions', skipped: report.skipped }, 'audit partitions busy; next run retries');
    },
  };
}
