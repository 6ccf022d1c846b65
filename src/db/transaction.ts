import type { Writable } from 'node:stream';
import type pg from 'pg';
import { from as copyStream } from 'pg-copy-streams';
import type { Database } from './database';
import type { Db } from './db';

/**
 * One transaction on one pooled connection. Every verb runs on that connection, so the
 * call's reads see its own writes; `autonomous` is the exception and goes to the Database
 * (its point is to commit whatever this transaction does).
 */
export class Transaction implements Db {
  readonly inTransaction = true;
  private savepoints = 0;

  constructor(
    private readonly client: pg.PoolClient,
    readonly database: Database,
  ) {}

  rows<T = any>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.client.query(text, params as unknown[]).then((r) => r.rows as T[]);
  }

  count(text: string, params: readonly unknown[] = []): Promise<number> {
    return this.client.query(text, params as unknown[]).then((r) => r.rowCount ?? 0);
  }

  hot<T = any>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.rows<T>(text, params);
  }

  autonomous<T = any>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.database.autonomous<T>(text, params);
  }

  /** A nested transaction is a savepoint: its failure undoes its own work only. */
  async transaction<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    const name = `tg_nested_${++this.savepoints}`;
    await this.rows(`SAVEPOINT ${name}`);
    try {
      const result = await work(this);
      await this.rows(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await this.rows(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {});
      throw err;
    }
  }

  copyFrom(text: string): Writable {
    return this.client.query(copyStream(text));
  }
}
