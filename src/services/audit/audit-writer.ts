import type { DataSource } from 'typeorm';
import { callerLabel } from '../../contract/method';
import type { AuditEntry } from './audit-log';

/**
 * Group commit for the audit log. Every call waits until its record is committed
 * (the reply never outruns its audit row), but records that arrive while a write is
 * in flight go together in the next multi-row INSERT, so under load the audit costs
 * one round trip per batch instead of one per call.
 */
export class AuditWriter {
  private queue: { entry: AuditEntry; done: (err?: unknown) => void }[] = [];
  private flushing: Promise<void> | null = null;

  constructor(private readonly dataSource: DataSource, private readonly maxBatch = 500) {}

  write(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, done: (err) => (err ? reject(err) : resolve()) });
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
        batch.forEach((b) => b.done());
      } catch (err) {
        batch.forEach((b) => b.done(err));
      }
    }
    this.flushing = null;
  }

  private async insert(entries: AuditEntry[]): Promise<void> {
    const values: unknown[] = [];
    const rows = entries.map((e, i) => {
      values.push(e.time, callerLabel(e.caller), e.method.slice(0, 200), e.target ?? null, e.outcome, e.errorName ?? null, e.durationMs);
      const p = i * 7;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7})`;
    });
    await this.dataSource.query(
      `INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms) VALUES ${rows.join(', ')}`, values);
  }
}
