import type { EntityManager } from 'typeorm';
import { pgPoolOf } from './pg-pool';

/**
 * SQL as SQL, in one shape whatever the command. TypeORM's postgres driver answers
 * UPDATE/DELETE with [rows, rowCount] but SELECT/INSERT with the rows alone.
 *
 * A manager that holds no transaction (the data source's own, as methods with
 * `transaction: 'none'` get) runs the statement straight on the pg pool beneath TypeORM:
 * the same connections, without TypeORM's query runner per statement, which the profile of
 * the verify hot paths showed (docs/benchmarks.md). In a transaction, the transaction's.
 */
export async function sql<T = any>(db: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  if (!db.queryRunner) return (await pgPoolOf(db).query(text, params)).rows;
  const result = await db.query(text, params);
  return isRowsAndCount(result) ? result[0] : result;
}

/** Rows changed by an UPDATE/DELETE (with or without RETURNING). */
export async function sqlCount(db: EntityManager, text: string, params: unknown[] = []): Promise<number> {
  if (!db.queryRunner) return (await pgPoolOf(db).query(text, params)).rowCount ?? 0;
  const result = await db.query(text, params);
  return isRowsAndCount(result) ? result[1] : Array.isArray(result) ? result.length : 0;
}

function isRowsAndCount(result: unknown): result is [any[], number] {
  return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}
