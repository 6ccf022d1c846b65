import { types as pgTypes } from 'pg';
import { parse as parseUrl } from 'pg-connection-string';
import { prepareValue } from 'pg/lib/utils';
import postgres from 'postgres';
import type { DataSource } from 'typeorm';
import { isDatabaseUnavailable } from '../errors/database-unavailable';
import { HostLocator, locatorFor } from './multi-host';
import type { DatabaseHost } from './multi-host-url';

/**
 * The hot paths' statements (db/prepared-statements.ts) go over connections of their own,
 * through postgres.js, because it pipelines: a connection carries the next statement
 * before the last one's reply has come back, so PostgreSQL reads several in one wake-up and
 * answers them in one write. pg sends one statement per connection and waits. On the 2-core
 * VM the floor's own `UPDATE … RETURNING` ran 6,661 calls/s over 20 pg connections and
 * 12,993 over 4 postgres.js ones, PostgreSQL's CPU per call 120 → 31 µs (docs/benchmarks.md).
 *
 * Everything else (transactions, migrations, the search and admin methods) stays on
 * TypeORM's pg pool. These statements run outside any transaction, each committing on
 * its own, so pipelining them changes no answer: a statement that fails fails alone.
 */
type Sql = postgres.Sql<Record<string, never>>;

export interface PipelinedPoolOptions {
  /** connections, on top of TypeORM's pool */
  size: number;
  /** no statement answered for this long while some wait: the pool is given up (see PipelinedPool.watch) */
  stallMs: number;
  /** told when a pool is given up for that reason */
  onStall: (stall: { waiting: number; stallMs: number }) => void;
}

/** TOKENGATE_PIPELINED_POOL_SIZE's default: more connections pipeline less and cost the database more. */
export const DEFAULT_PIPELINED_POOL_SIZE = 4;
const DEFAULTS: PipelinedPoolOptions = { size: DEFAULT_PIPELINED_POOL_SIZE, stallMs: 10_000, onStall: () => {} };

const options = new WeakMap<DataSource, PipelinedPoolOptions>();
const pools = new WeakMap<DataSource, PipelinedPool>();
/** Pools being ended (after an outage or a stall); closePipelinedPool waits for them too. */
const retiring = new WeakMap<DataSource, Set<Promise<void>>>();

/** From the configuration, once at start; a pool already open gives way to one made with these options. */
export function configurePipelinedPool(dataSource: DataSource, opts: Partial<PipelinedPoolOptions>): void {
  options.set(dataSource, { ...(options.get(dataSource) ?? DEFAULTS), ...opts });
  const open = pools.get(dataSource);
  if (open) retire(dataSource, open);
}

/**
 * One autocommit statement on the pipelined connections, named (prepared on a connection
 * the first time, then only bound and run). Parameters are turned into text exactly as pg
 * does (dates, arrays, JSON, bytes), so a statement written for pg means the same here;
 * rows come back with pg's JavaScript types (int8 and numeric as strings).
 *
 * Named only: postgres.js sends an unnamed statement with parameters in two round trips
 * (it asks for the parameters' types first), so with prepared statements off the hot
 * statements stay on pg (db/prepared-statements.ts).
 */
export async function pipelinedQuery<T>(dataSource: DataSource, text: string, params: unknown[]): Promise<T[]> {
  const values = params.map(asPgText) as postgres.ParameterOrJSON<never>[];
  const pool = pools.get(dataSource) ?? await newPool(dataSource);
  pool.started();
  try {
    return (await pool.sql.unsafe(text, values, { prepare: true })) as unknown as T[];
  } catch (err) {
    // A connection the server ended (a restart, a failover, pg_terminate_backend) while a
    // statement ran leaves postgres.js 3.4 in doubt: it keeps the server's FATAL error and
    // hands it to the first statement of the reconnected connection, although that
    // statement ran (test/e2e/db/pipelined-pool.test.ts caught it). An error that is not
    // PostgreSQL's answer to a statement (a RangeError from reading the protocol out of
    // step, say) leaves it in doubt as well. In both cases the next calls get a fresh pool.
    if (isDatabaseUnavailable(err) || !(err instanceof postgres.PostgresError)) {
      retire(dataSource, pool);
      pool.host && pool.locator?.forget(pool.host); // the next pool looks for the host that takes writes again
    }
    throw err;
  } finally {
    pool.answered();
  }
}

/** At shutdown: data-source.ts closes it with the data source. */
export async function closePipelinedPool(dataSource: DataSource): Promise<void> {
  const pool = pools.get(dataSource);
  pools.delete(dataSource);
  pool?.unwatch();
  await Promise.all([pool?.sql.end({ timeout: 5 }), ...(retiring.get(dataSource) ?? [])]);
}

/** A postgres.js pool, the statements waiting on it, and when it last answered one. */
class PipelinedPool {
  private waiting = 0;
  private answeredAt = 0;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(readonly sql: Sql, readonly locator?: HostLocator, readonly host?: DatabaseHost) {}

  started(): void {
    if (this.waiting++ === 0) this.answeredAt = performance.now();
  }

  answered(): void {
    this.waiting--;
    this.answeredAt = performance.now();
  }

  /**
   * Pipelined statements wait in line on their connection, and postgres.js 3.4 can lose
   * its place in that line for good: behind PgBouncer < 1.21 in transaction mode with
   * prepared statements left on, a statement meets a server connection that never saw
   * its Parse, postgres.js re-prepares it amid the others, and no statement of the
   * connection is answered again (seen in test/e2e/faults/pgbouncer.test.ts; not every
   * time). A pool that answers
   * nothing for `stallMs` while statements wait is therefore given up: they fail as
   * "database unavailable" and the next calls get a fresh pool.
   */
  watch(stallMs: number, onStall: () => void): void {
    this.watchdog = setInterval(() => {
      if (this.waiting > 0 && performance.now() - this.answeredAt > stallMs) onStall();
    }, Math.min(1_000, stallMs));
    this.watchdog.unref();
  }

  unwatch(): void {
    clearInterval(this.watchdog);
  }

  get waitingNow(): number {
    return this.waiting;
  }
}

/**
 * A new pool on the host that takes writes: a multi-host URL's host is chosen by the same
 * locator as the pg pool's (multi-host.ts), waiting for one at most the connect timeout.
 * postgres.js could try the hosts itself, but after a failover its queued statements hung
 * until the stall watchdog (10 s) instead of failing. Calls arriving meanwhile share it.
 */
const creating = new WeakMap<DataSource, Promise<PipelinedPool>>();
function newPool(dataSource: DataSource): Promise<PipelinedPool> {
  let pending = creating.get(dataSource);
  if (!pending) {
    pending = createPool(dataSource).finally(() => creating.delete(dataSource));
    creating.set(dataSource, pending);
  }
  return pending;
}

async function createPool(dataSource: DataSource): Promise<PipelinedPool> {
  const { url, extra } = dataSource.options as { url?: string; extra?: { connectionTimeoutMillis?: number } };
  if (!url) throw new Error('pipelined pool: the data source has no URL');
  const connectTimeoutMs = extra?.connectionTimeoutMillis ?? 5_000;
  const locator = locatorFor(url);
  const host = await locator.choose(performance.now() + connectTimeoutMs);
  const open = pools.get(dataSource);
  if (open) return open;
  const { size, stallMs, onStall } = options.get(dataSource) ?? DEFAULTS;
  const created = new PipelinedPool(connect(locator.target.urlFor(host), size, Math.ceil(connectTimeoutMs / 1000)), locator, host);
  created.watch(stallMs, () => {
    onStall({ waiting: created.waitingNow, stallMs });
    retire(dataSource, created);
  });
  pools.set(dataSource, created);
  return created;
}

/** Replaces the data source's pool; the old one ends once its statements are answered (a second at most: it may wait forever). */
function retire(dataSource: DataSource, pool: PipelinedPool): void {
  if (pools.get(dataSource) !== pool) return; // already replaced
  pools.delete(dataSource);
  pool.unwatch();
  const ends = retiring.get(dataSource) ?? new Set();
  retiring.set(dataSource, ends);
  const ended: Promise<void> = pool.sql.end({ timeout: 1 }).catch(() => {}).finally(() => ends.delete(ended));
  ends.add(ended);
}

/**
 * Types as pg has them: pg's text parser for every type OID it has one for (builtins and
 * their arrays; other types stay text), and no serialiser of postgres.js's own for any type,
 * since every parameter arrives as pg's text already (pipelinedQuery). Its serialisers
 * would otherwise apply by the type PostgreSQL describes: JSON would be encoded twice and
 * the text "true" sent to a boolean as 'f'. Made when a pool is made, not at start-up.
 */
function pgTypesForPostgresJs(): Record<string, postgres.PostgresType> {
  const parserOf = (oid: number) => pgTypes.getTypeParser(oid as Parameters<typeof pgTypes.getTypeParser>[0], 'text');
  const none = parserOf(0x7fffffff);
  const asIs = (text: string) => text;
  const withPostgresJsSerialisers = [0, 16, 17, 20, 21, 23, 25, 26, 114, 700, 701, 1082, 1114, 1184, 3802];
  const types: Record<string, { to: number; from: number[]; serialize: (text: string) => string; parse?: (text: string) => unknown }> = {};
  for (let oid = 0; oid < 10_000; oid++) {
    const parse = parserOf(oid);
    if (parse !== none) types[`oid${oid}`] = { to: oid, from: [oid], serialize: asIs, parse };
    else if (withPostgresJsSerialisers.includes(oid)) types[`oid${oid}`] = { to: oid, from: [oid], serialize: asIs };
  }
  return types as unknown as Record<string, postgres.PostgresType>;
}

/** A parameter as pg would send it, as text: bytea in hex form, dates, arrays and objects by pg's own rules. */
function asPgText(value: unknown): string | null {
  return Buffer.isBuffer(value) ? `\\x${value.toString('hex')}` : (prepareValue(value) as string | null);
}

/**
 * Where and how to connect, from the URL TypeORM's pool was given (for the chosen host), read by pg's own URL
 * parser: the same host (or socket directory), credentials and TLS settings (sslmode,
 * certificates read from their files) as every other connection of the process.
 */
function connect(url: string, size: number, connectTimeoutSeconds: number): Sql {
  const where = parseUrl(url);
  return postgres({
    host: where.host ?? undefined,
    port: where.port ? Number(where.port) : undefined,
    database: where.database ?? undefined,
    username: where.user,
    password: where.password,
    ssl: (where.ssl || false) as postgres.Options<never>['ssl'],
    max: size,
    // as TypeORM's pool (data-source.ts): during an outage a call fails at once (refused) or
    // after 5 s (no answer), and each call tries to connect afresh. postgres.js would
    // otherwise wait before reconnecting, longer after every failure (up to 20 s).
    connect_timeout: connectTimeoutSeconds,
    backoff: () => 0,
    onnotice: () => {}, // no console output of the database's notices
    // rows as pg reads them (postgres.js would read NULL in a text[] as "NULL"), and
    // parameters as pg writes them; postgres.js's own array types not looked up
    types: pgTypesForPostgresJs(),
    fetch_types: false,
    connection: { application_name: 'tokengate' },
  }) as Sql;
}
