import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';

/** TypeORM over pg: migrations only, never synchronize; services write their SQL. */
export function createDataSource(url: string, poolSize = 20): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    extra: { max: poolSize, application_name: 'tokengate' },
  });
}

export async function openDatabase(url: string, poolSize?: number): Promise<DataSource> {
  const ds = createDataSource(url, poolSize);
  await ds.initialize();
  // Several processes may start at once on one database: one migrates at a time.
  await ds.query('SELECT pg_advisory_lock(7414281)');
  try {
    await ds.runMigrations();
  } finally {
    await ds.query('SELECT pg_advisory_unlock(7414281)');
  }
  return ds;
}
