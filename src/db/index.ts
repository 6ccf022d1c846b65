/**
 * The one way into PostgreSQL. Services and methods import from here only: the handle of a
 * call (`Db`: the call's transaction, or the database itself for autocommit work) and the
 * verbs that run SQL on it.
 */
import type { EntityManager } from 'typeorm';

/** What a service gets to run SQL on: the call's transaction or the database itself. */
export type Db = EntityManager;

export { sql, sqlCount } from './sql';
export { sqlPrepared } from './prepared-statements';
