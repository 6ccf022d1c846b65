import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { keepConnectionErrorsInside } from '../../db/data-source';
import { poolOptionsFor } from '../../db/multi-host';

const pools = new WeakMap<DataSource, Pool>();

/** The part of TypeORM's postgres options that says where the database is. */
interface WhereTheDatabaseIs {
  url?: string; host?: string; port?: number; username?: string; password?: unknown; database?: string; ssl?: any;
  extra?: { connectionTimeoutMillis?: number };
}

/**
 * A few connections of its own for the rate-limit counters. A method calls the
 * limiter while its transaction holds a connection of the main pool; if the counter
 * needed a second one from that pool, a full pool of such calls would wait on itself.
 * These statements commit on their own, which is the point: an attempt counts even
 * when the call's transaction rolls back.
 */
export function rateLimitPool(dataSource: DataSource): Pool {
  let pool = pools.get(dataSource);
  if (!pool) {
    const o = dataSource.options as WhereTheDatabaseIs;
    const connectTimeoutMs = o.extra?.connectionTimeoutMillis ?? 5_000;
    pool = new Pool({
      connectionString: o.url, host: o.host, port: o.port, user: o.username,
      password: typeof o.password === 'string' ? o.password : undefined, database: o.database, ssl: o.ssl,
      connectionTimeoutMillis: connectTimeoutMs,
      ...(o.url ? poolOptionsFor(o.url, { connectTimeoutMs }) : {}), // the host that takes writes, as the main pool
      max: 4, idleTimeoutMillis: 10_000, allowExitOnIdle: true,
      application_name: 'tokengate-rate-limit',
    });
    // An idle connection the server closed (restart, DROP DATABASE) is just dropped from the pool.
    pool.on('error', () => {});
    keepConnectionErrorsInside(pool);
    pools.set(dataSource, pool);
  }
  return pool;
}

/** At shutdown, before the data source is destroyed. */
export async function closeRateLimitPool(dataSource: DataSource): Promise<void> {
  const pool = pools.get(dataSource);
  pools.delete(dataSource);
  await pool?.end();
}
