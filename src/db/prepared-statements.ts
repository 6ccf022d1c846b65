import type { DataSource, EntityManager } from 'typeorm';
import { pipelinedQuery } from './pipelined-pool';
import { sql } from './sql';

/**
 * The hot paths' statements: autocommit, on the pipelined connections (pipelined-pool.ts),
 * and named (server-side prepared). PostgreSQL plans an unnamed statement anew on every
 * call: for /auth/verify's snapshot (five tables and a lateral look-up) planning took
 * ~0.5 ms of the database's CPU against ~0.08 ms to run it, and a call went from ~0.8 ms
 * to ~0.2 ms once prepared (docs/benchmarks.md). Each connection prepares a statement on
 * its first use and keeps it.
 *
 * PgBouncer in transaction mode before 1.21 (or with max_prepared_statements = 0) lends a
 * different server connection to each transaction and does not carry prepared statements:
 * there, TOKENGATE_PREPARED_STATEMENTS=off sends the same statements unnamed, one at a
 * time on TypeORM's pg pool, as every other statement.
 */
const unnamed = new WeakSet<DataSource>();

/** From the configuration (src/config.ts), once at start; on unless told otherwise. */
export function setPreparedStatements(dataSource: DataSource, enabled: boolean): void {
  if (enabled) unnamed.delete(dataSource); else unnamed.add(dataSource);
}

/**
 * sql() for a hot statement whose text is fixed (a few variants at most), committing on its
 * own. In a transaction, or with prepared statements off, plain sql().
 */
export async function sqlPrepared<T = any>(db: EntityManager, text: string, params: unknown[]): Promise<T[]> {
  if (db.queryRunner || unnamed.has(db.connection)) return sql<T>(db, text, params);
  return pipelinedQuery<T>(db.connection, text, params);
}

