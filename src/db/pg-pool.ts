import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * The pg Pool under TypeORM's postgres driver (the data source's connections). src/db/sql.ts
 * runs autocommit statements on it directly. Never for a manager that holds a transaction.
 */
export function pgPoolOf(db: EntityManager | DataSource): Pool {
  if ('queryRunner' in db && db.queryRunner) throw new Error('pgPoolOf: this manager holds a transaction; query through it');
  const dataSource = 'manager' in db ? db : db.connection;
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('pgPoolOf: the data source is not initialised');
  return pool;
}
