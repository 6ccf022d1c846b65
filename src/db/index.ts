/**
 * The one way into PostgreSQL. Services and methods import from here only: `Db` (the
 * handle of a call: its transaction, or the database itself for autocommit work) and,
 * where a process starts, `Database` and `openDatabase`. Nothing outside src/db imports
 * a driver (lint keeps it so).
 */
export type { Db } from './db';
export { Database, type DatabaseOptions, type OpenTransaction } from './database';
export { openDatabase } from './open';
