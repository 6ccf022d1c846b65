import type { Pool, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The pg Pool under TypeORM's postgres driver. Hot paths that run one or two statements
 * outside any transaction query it directly: TypeORM's query runner per call (create,
 * connect, broadcast, result wrapping, release) showed up in the profile of /auth/verify
 * and buys nothing for a single autocommit statement. Same connections, same pool size.
 * Only for a manager that holds no transaction (methods with `transaction: 'none'`).
 */
export function pgPoolOf(db: EntityManager | DataSource): Pool {
  const dataSource = 'manager' in db ? db : db.connection;
  if ('queryRunner' in db && db.queryRunner) throw new Error('pgPoolOf: this manager holds a transaction; use it instead');
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('pgPoolOf: the data source is not initialised');
  return pool;
}

/** One autocommit statement on the pool; its rows (whatever the command). */
export async function poolQuery<T extends QueryResultRow = any>(db: EntityManager | DataSource, text: string, params: unknown[]): Promise<T[]> {
  return (await pgPoolOf(db).query<T>(text, params)).rows;
}
