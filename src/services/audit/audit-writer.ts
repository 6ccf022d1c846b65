import type { Database } from '../../db';
import { callerLabel } from '../../contract/method';
import type { AuditEntry } from './audit-log';

/**
 * Group commit for the audit log. Every call waits until its record is committed
 * (the reply never outruns its audit row), but records that arrive while a write is
 * in flight go together in the next multi-row INSERT, so under load the audit costs
 * one round trip per batch instead of one per call.
 */
export class AuditWriter {
  private queue: { entry: AuditEntry; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly dataSource: Database, private readonly maxBatch = 500) {}

  write(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject }); // reject on any failure, even a falsy thrown value
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  /** Waits for everything queued so far (shutdown, and before searching the log). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.insert(batch.map((b) => b.entry));
        batch.forEach((b) => b.resolve());
      } catch (err) {
        batch.forEach((b) => b.reject(err));
      }
    }
    this.flushing = null;
  }

  private async insert(entries: AuditEntry[]): Promise<void> {
    const columns: unknown[][] = [[], [], [], [], [], [], [], []];
    for (const e of entries) {
      const row = [e.time, callerLabel(e.caller), e.method.slice(0, 200), e.target ?? null, e.outcome, e.errorName ?? null, e.durationMs, e.details ? JSON.stringify(e.details) : null];
      row.forEach((value, i) => columns[i].push(value));
    }
    await this.dataSource.autonomous(INSERT_ENTRIES, columns);
  }
}

/**
 * One statement text whatever the batch size, its columns as arrays: prepared once per
 * connection and planned once (a VALUES list of n rows was a new text to parse and plan
 * for every n), with a few parameters instead of seven per row.
 */
const INSERT_ENTRIES = `
  INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms, details)
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::real[], $8::jsonb[])`;
