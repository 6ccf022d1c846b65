import { migrations } from '../../migrations';
import { Database, type DatabaseOptions } from './database';
import { migrate } from './migrate';

/** The defaults for what a caller of openDatabase leaves out (the server passes its settings). */
const DEFAULTS = { poolSize: 20, hotConnections: 4, preparedStatements: true, connectTimeoutMs: 5_000 };

/** A Database on `url`, migrated to the latest schema. */
export async function openDatabase(url: string, options: Partial<Omit<DatabaseOptions, 'url'>> = {}): Promise<Database> {
  const database = new Database({ ...DEFAULTS, ...options, url });
  try {
    await migrate(database, migrations);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}
