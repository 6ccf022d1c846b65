import type { Db } from '../../db';
import type { Caller } from '../../contract/method';
import { FieldMap, SearchParams, searchPage } from '../query/search-query';

export interface AuditEntry {
  /** A caller, or the label of one that is not an API key or device (`radius:<client name>`). */
  time: Date; caller: Caller | string | null; method: string; target: string | undefined;
  outcome: 'ok' | 'error'; errorName: string | undefined; durationMs: number;
  /** What a protocol front-end adds (the NAS of a RADIUS request); never a secret. */
  details?: Record<string, string>;
}

const FIELDS: FieldMap = {
  time: { column: 'time', type: 'time' },
  caller: { column: 'caller', type: 'text' },
  method: { column: 'method', type: 'text' },
  target: { column: 'target', type: 'text' },
  outcome: { column: 'outcome', type: 'text' },
  errorName: { column: 'error_name', type: 'text' },
  durationMs: { column: 'duration_ms', type: 'int' },
};

/** `details` only on the records that have some (SPEC §3: `details?`). */
export async function searchAuditLog(db: Db, params: SearchParams) {
  const page = await searchPage<Record<string, unknown>>(db, {
    select: 'time, caller, method, target, outcome, error_name AS "errorName", round(duration_ms::numeric, 2)::float AS "durationMs", details',
    // Newest first by (time, id): the order every audit index ends in, so a page is read
    // from the top of one index range per partition instead of sorting the matches.
    from: 'audit_log', fields: FIELDS, defaultOrder: 'time DESC, id DESC',
  }, params);
  return { ...page, rows: page.rows.map(({ details, ...row }) => (details == null ? row : { ...row, details })) };
}
