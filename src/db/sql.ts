import type { EntityManager } from 'typeorm';

/**
 * TypeORM's postgres driver answers UPDATE/DELETE with [rows, rowCount] but
 * SELECT/INSERT with the rows alone. These two helpers give one shape.
 */
export async function sql<T = any>(db: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  const result = await db.query(text, params);
  return isRowsAndCount(result) ? result[0] : result;
}

/** Rows changed by an UPDATE/DELETE (with or without RETURNING). */
export async function sqlCount(db: EntityManager, text: string, params: unknown[] = []): Promise<number> {
  const result = await db.query(text, params);
  return isRowsAndCount(result) ? result[1] : Array.isArray(result) ? result.length : 0;
}

function isRowsAndCount(result: unknown): result is [any[], number] {
  return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}
