import type { Writable } from 'node:stream';
import type { Database } from './database';

/**
 * What services and methods get to run SQL on: the call's transaction, or the database
 * itself for autocommit work. Statements are SQL as SQL, with $n parameters.
 */
export interface Db {
  /** The database itself, for work that needs connections of its own (a transaction that outlives a call's). */
  readonly database: Database;
  /** True inside a transaction: every statement runs on the transaction's connection. */
  readonly inTransaction: boolean;
  /** The rows a statement returns (none for a statement without RETURNING). */
  rows<T = any>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** The number of rows a statement changed (INSERT/UPDATE/DELETE) or returned. */
  count(text: string, params?: readonly unknown[]): Promise<number>;
  /**
   * A hot statement: fixed text, autocommit, prepared once per connection and pipelined
   * (see hot-lane.ts). In a transaction it runs as rows() does, on the transaction.
   */
  hot<T = any>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /**
   * A statement that commits on its own even when called inside a transaction (rate-limit
   * counts, audit rows): what it records must stay when the caller's transaction rolls back.
   */
  autonomous<T = any>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** `work` in one transaction (a savepoint when already in one); committed when it resolves. */
  transaction<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  /**
   * COPY … FROM STDIN on the transaction's connection (only inside a transaction): the
   * stream takes the data; the statement is done when the stream has finished.
   */
  copyFrom(text: string): Writable;
}
