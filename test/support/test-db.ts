import { Database, openDatabase, type DatabaseOptions } from '../../src/db';
import { migrate } from '../../src/db/migrate';

/**
 * A Database for tests, with `query`: the rows of any statement, for arranging data and
 * asserting rows. (Production code has no `query`: lint keeps SQL verbs in src/db.)
 */
export type TestDb = Database & { query<T = any>(text: string, params?: readonly unknown[]): Promise<T[]> };

export function asTestDb(database: Database): TestDb {
  return Object.assign(database, { query: <T = any>(text: string, params?: readonly unknown[]) => database.rows<T>(text, params) });
}

/** openDatabase (migrated) as a TestDb. */
export async function openTestDb(url: string, options: Partial<Omit<DatabaseOptions, 'url'>> = {}): Promise<TestDb> {
  return asTestDb(await openDatabase(url, options));
}

/** A TestDb migrated only through `list` (a schema as it was before a later migration). */
export async function openTestDbMigratedThrough(url: string, list: Parameters<typeof migrate>[1]): Promise<TestDb> {
  const database = asTestDb(new Database({ url, poolSize: 2, hotConnections: 1, preparedStatements: true, connectTimeoutMs: 5_000 }));
  await migrate(database, list);
  return database;
}
