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
    const rows = entries.map((e) => [
      e.time, orNull(callerLabel(e.caller)), storable(e.method), orNull(e.target),
      e.outcome, e.errorName ?? null, e.durationMs, e.details ? storableDetails(e.details) : null,
    ]);
    await this.dataSource.autonomous(AUDIT_INSERT_SQL, [JSON.stringify(rows)]);
  }
}

/**
 * The batch as ONE jsonb parameter, a row per array: one statement text whatever the batch
 * size (prepared and planned once per connection), and JSON.stringify is native code, where
 * a text[] parameter per column cost pg an escaped string per value and a Date formatted by
 * hand (a tenth of everything the server allocated on /user/verifyToken, bench/hot-paths.mjs
 * with a sampling heap profile). jsonb is parsed once; json would be again for every ->>.
 * Exported for the bench's bare app, which writes its rows with the same statement.
 */
export const AUDIT_INSERT_SQL = `
  INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms, details)
  SELECT (e->>0)::timestamptz, e->>1, e->>2, e->>3, e->>4, e->>5, (e->>6)::real, nullif(e->7, 'null')
    FROM jsonb_array_elements($1::jsonb) e`;

/** The most of a text an audit row keeps: a name or an id, never a payload. */
const MAX_TEXT = 200;

/**
 * What a client sent (a method name, an id), made storable: at most MAX_TEXT characters (a
 * method's own target may come from any params, even refused ones), and PostgreSQL text holds no NUL,
 * and jsonb no lone surrogate (a JSON string may carry one; so may a slice that cut a
 * pair). Either would fail the whole batch, and with it the audit rows of every call that
 * shared it; each becomes U+FFFD instead.
 */
function storable(text: string): string {
  const kept = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const clean = kept.isWellFormed() ? kept : kept.toWellFormed();
  return clean.includes('\0') ? clean.replaceAll('\0', '\uFFFD') : clean;
}

function orNull(text: string | null | undefined): string | null {
  return text === null || text === undefined ? null : storable(text);
}

function storableDetails(details: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [storable(key), storable(value)]));
}
