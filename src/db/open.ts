import { migrations } from '../../migrations';
import { defaultConfig } from '../config';
import { Database, type DatabaseOptions } from './database';
import { migrate } from './migrate';

/** What a caller of openDatabase leaves out takes the settings' own defaults (config.ts). */
function defaults(): Omit<DatabaseOptions, 'url'> {
  const c = defaultConfig();
  return { poolSize: c.poolSize, hotConnections: c.pipelinedPoolSize, preparedStatements: c.preparedStatements, connectTimeoutMs: c.dbConnectTimeoutMs };
}

/** A Database on `url`, migrated to the latest schema. */
export async function openDatabase(url: string, options: Partial<Omit<DatabaseOptions, 'url'>> = {}): Promise<Database> {
  const database = new Database({ ...defaults(), ...options, url });
  try {
    await migrate(database, migrations);
  } catch (err) {
    await database.close();
    throw err;
  }
  return database;
}
