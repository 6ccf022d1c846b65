import type { Writable } from 'node:stream';
import pg from 'pg';
import type { Db } from './db';
import { HotLane } from './hot-lane';
import { connectToDatabase, poolOptionsFor } from './multi-host';
import { Transaction } from './transaction';

export interface DatabaseOptions {
  /** libpq style, one host or several (`postgres://u:p@h1,h2/db?target_session_attrs=read-write`). */
  url: string;
  /** Connections for transactions and ordinary statements. */
  poolSize: number;
  /** Pipelined connections for hot statements (hot-lane.ts). */
  hotConnections: number;
  /** Named (server-side prepared) hot statements; off behind PgBouncer < 1.21. */
  preparedStatements: boolean;
  /** Longest wait for a connection: connecting, finding the host that takes writes, or a free one in the pool (TOKENGATE_DB_CONNECT_TIMEOUT). */
  connectTimeoutMs: number;
  /**
   * A hot statement not answered within this long fails, and its connection is dropped with
   * every statement it carried (a peer that vanished, a pooler that stalls): they answer
   * SERVICE_UNAVAILABLE instead of hanging. Hot statements take milliseconds.
   */
  hotStatementTimeoutMs?: number;
  /** Names the connections in pg_stat_activity. */
  applicationName?: string;
}

/**
 * The one way into PostgreSQL, and the only code that knows the driver (pg). It owns every
 * connection the server opens: the pool for transactions and ordinary statements, the
 * pipelined hot lane, dedicated connections for LISTEN, and closes them all.
 *
 * A database that cannot be reached surfaces as the driver's connection error; the
 * gateway answers it SERVICE_UNAVAILABLE (errors/database-unavailable.ts says which
 * errors those are), so no caller has to catch it.
 */
export class Database implements Db {
  readonly inTransaction = false;
  readonly database = this;
  private readonly pool: pg.Pool;
  private readonly hotLane: HotLane;

  constructor(private readonly o: DatabaseOptions) {
    // A multi-host URL (SPEC §12) gets a Client that connects to the host taking writes, and
    // looks again once it is lost; the connect timeout bounds that search too.
    this.pool = new pg.Pool({
      ...poolOptionsFor(o.url, { connectTimeoutMs: o.connectTimeoutMs }), ...this.sessionConfig(false), max: o.poolSize,
    });
    // A pooled connection the server ends while it is idle, or checked out between
    // statements, emits an 'error' nobody else listens to; unhandled, it would end the
    // process. The failure still reaches whoever uses the connection next.
    this.pool.on('error', () => {});
    this.pool.on('connect', (client) => client.on('error', () => {}));
    this.hotLane = new HotLane({
      size: o.hotConnections, prepared: o.preparedStatements, connect: (pipeline) => this.connect(pipeline),
    });
  }

  async rows<T = any>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return (await this.pool.query(text, params as unknown[])).rows as T[];
  }

  async count(text: string, params: readonly unknown[] = []): Promise<number> {
    return (await this.pool.query(text, params as unknown[])).rowCount ?? 0;
  }

  hot<T = any>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.hotLane.rows<T>(text, params);
  }

  /** Outside any transaction every statement commits on its own: the hot lane carries it. */
  autonomous<T = any>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.hotLane.rows<T>(text, params);
  }

  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const open = await this.begin();
    try {
      const result = await work(open.tx);
      await open.commit();
      open.release();
      return result;
    } catch (err) {
      await open.rollback();
      throw err;
    }
  }

  /**
   * A transaction whose end the caller decides (tests hold one open across other calls).
   * Exactly one of commit/rollback, then release.
   */
  async begin(): Promise<OpenTransaction> {
    const client = await this.pool.connect();
    let released = false;
    const release = (err?: Error) => { if (!released) { released = true; client.release(err); } };
    try {
      await client.query('BEGIN');
    } catch (err) {
      release(err as Error);
      throw err;
    }
    const tx = new Transaction(client, this);
    return {
      tx,
      async commit() {
        try {
          await client.query('COMMIT');
        } catch (err) {
          // The outcome of a COMMIT the connection did not answer is unknown: the caller
          // must not report success, and the connection must not be reused.
          release(err as Error);
          throw err;
        }
      },
      async rollback() {
        // A connection that failed mid-transaction is discarded rather than returned.
        await client.query('ROLLBACK').then(() => release(), (err: Error) => release(err));
      },
      release: () => release(),
    };
  }

  copyFrom(): Writable {
    throw new Error('copyFrom runs inside a transaction');
  }

  /** A dedicated connection (LISTEN, long maintenance); the caller ends it. */
  async connect(pipeline = false): Promise<pg.Client> {
    const client = await connectToDatabase(this.o.url, this.sessionConfig(pipeline), this.o.connectTimeoutMs);
    client.on('error', () => {}); // reported to whoever uses it next
    return client;
  }

  /** Whether a statement runs now, within `timeoutMs` (readiness must not wait for a connect timeout). */
  async isReady(timeoutMs = 1_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
    const probe = this.hot('SELECT 1').then(() => true, () => false);
    try {
      return await Promise.race([probe, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The pool's connections, for /metrics. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  async close(): Promise<void> {
    await this.hotLane.close();
    await this.pool.end();
  }

  /** How every connection behaves, whichever host it reaches. */
  private sessionConfig(pipeline: boolean): Omit<pg.ClientConfig, 'connectionString'> {
    return {
      application_name: this.o.applicationName ?? 'tokengate',
      keepAlive: true,
      ...(pipeline ? { pipeline: true, query_timeout: this.o.hotStatementTimeoutMs ?? 10_000 } : {}),
    } as Omit<pg.ClientConfig, 'connectionString'>;
  }
}

export interface OpenTransaction {
  /** The transaction's statements; after commit() they run, each on its own, on the same connection until release(). */
  readonly tx: Db;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  release(): void;
}
