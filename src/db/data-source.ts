import 'reflect-metadata';
import type { Pool } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { migrations } from '../../migrations';
import { poolOptionsFor } from './multi-host';
import { closePipelinedPool } from './pipelined-pool';

/** TypeORM over pg: migrations only, never synchronize; services write their SQL. */
export function createDataSource(url: string, poolSize = 20, connectTimeoutMs = 5_000): DataSource {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: false,
    // connectionTimeoutMillis (TOKENGATE_DB_CONNECT_TIMEOUT) bounds connecting, looking for
    // the host that takes writes (multi-host.ts), and waiting for a free pooled connection:
    // with no primary or the pool exhausted a call fails (SERVICE_UNAVAILABLE, Retry-After)
    // instead of hanging. keepAlive finds peers that vanished without a word.
    extra: { ...poolOptionsFor(url, { connectTimeoutMs }), max: poolSize, application_name: 'tokengate', keepAlive: true },
  });
  // the hot paths' pipelined connections (pipelined-pool.ts) live and end with it
  const destroy = dataSource.destroy.bind(dataSource);
  dataSource.destroy = async () => {
    await closePipelinedPool(dataSource);
    await destroy();
  };
  return dataSource;
}

export async function openDatabase(url: string, poolSize?: number, connectTimeoutMs?: number): Promise<DataSource> {
  const ds = createDataSource(url, poolSize, connectTimeoutMs);
  await ds.initialize();
  keepConnectionErrorsInside((ds.driver as unknown as { master: Pool }).master);
  await migrate(ds);
  return ds;
}

/**
 * Several processes may start at once on one database: one migrates at a time. All
 * pending migrations run in one transaction holding a transaction-level advisory lock
 * (a session lock would be lost, or leak to another client, through PgBouncer in
 * transaction mode); a process that waited finds nothing left to do.
 */
async function migrate(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query('SELECT pg_advisory_xact_lock(7414281)');
    const executor = new MigrationExecutor(ds, runner);
    executor.transaction = 'all'; // inside our transaction, which is already open
    await executor.executePendingMigrations();
    await runner.commitTransaction();
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => {});
    throw err;
  } finally {
    await runner.release();
  }
}

/**
 * A pooled connection the server ends (a restart, a failover) while it is checked out but
 * between queries, in a gap where neither pg-pool nor TypeORM listens, emits an 'error'
 * event nobody handles, and that would end the process. Every connection therefore gets
 * a listener of its own; the failure itself still reaches whoever uses the connection next
 * (as a "not queryable" error, answered SERVICE_UNAVAILABLE).
 */
export function keepConnectionErrorsInside(pool: Pool): void {
  pool.on('connect', (client) => client.on('error', () => {}));
}
