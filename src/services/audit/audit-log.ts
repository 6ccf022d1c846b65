import type { EntityManager } from 'typeorm';
import type { Caller } from '../../contract/method';
import { buildOrderBy, buildWhere, FieldMap, pageOf, SearchParams } from '../query/search-query';

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

export async function searchAuditLog(db: EntityManager, params: SearchParams) {
  const where = buildWhere(FIELDS, params.match);
  const { offset, limit } = pageOf(params);
  const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM audit_log WHERE ${where.sql}`, where.params);
  const rows = await db.query(
    `SELECT time, caller, method, target, outcome, error_name AS "errorName", round(duration_ms::numeric, 2)::float AS "durationMs"
       FROM audit_log WHERE ${where.sql} ORDER BY ${buildOrderBy(FIELDS, params.orderBy, 'id DESC')}
      OFFSET ${offset} LIMIT ${limit}`,
    where.params,
  );
  return { total, rows };
}
