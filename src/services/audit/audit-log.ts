import type { Db } from '../../db';
import type { Caller } from '../../contract/method';
import { FieldMap, SearchParams, searchPage } from '../query/search-query';

export interface AuditEntry {
  time: Date; caller: Caller | null; method: string; target: string | undefined;
  outcome: 'ok' | 'error'; errorName: string | undefined; durationMs: number;
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

export function searchAuditLog(db: Db, params: SearchParams) {
  return searchPage(db, {
    select: 'time, caller, method, target, outcome, error_name AS "errorName", round(duration_ms::numeric, 2)::float AS "durationMs"',
    // Newest first by (time, id): the order every audit index ends in, so a page is read
    // from the top of one index range per partition instead of sorting the matches.
    from: 'audit_log', fields: FIELDS, defaultOrder: 'time DESC, id DESC',
  }, params);
}
