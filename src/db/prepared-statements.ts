import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { pgPoolOf } from './pg-pool';
import { sql } from './sql';

/**
 * Named (server-side prepared) statements for the hot paths. PostgreSQL plans an unnamed
 * statement anew on every call: for /auth/verify's snapshot (five tables and a lateral
 * look-up) planning took ~0.5 ms of the database's CPU against ~0.08 ms to run it, and a
 * call went from ~0.8 ms to ~0.2 ms once prepared (docs/benchmarks.md). Each pooled
 * connection prepares a statement on its first use and keeps it (pg tracks which).
 *
 * PgBouncer in transaction mode before 1.21 (or with max_prepared_statements = 0) lends a
 * different server connection to each transaction and does not carry prepared statements:
 * there, TOKENGATE_PREPARED_STATEMENTS=off sends the same statements unnamed.
 */
const disabled = new WeakSet<DataSource>();
const names = new Map<string, string>();

/** From the configuration (src/config.ts), once at start; on unless told otherwise. */
export function setPreparedStatements(dataSource: DataSource, enabled: boolean): void {
  if (enabled) disabled.delete(dataSource); else disabled.add(dataSource);
}

/**
 * sql() for a hot statement whose text is fixed (a few variants at most): prepared on the
 * connection the first time, then only bound and run. In a transaction, or with prepared
 * statements off, plain sql().
 */
export async function sqlPrepared<T = any>(db: EntityManager, text: string, params: unknown[]): Promise<T[]> {
  if (db.queryRunner || disabled.has(db.connection)) return sql<T>(db, text, params);
  return (await pgPoolOf(db).query({ name: statementName(text), text, values: params })).rows;
}

/** A name derived from the text, so one text is one statement on every connection. */
function statementName(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `tg_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}
