import type { Database } from './database';
import type { Db } from './db';

/** What a migration gets: one statement string (or several separated by semicolons) at a time. */
export interface MigrationRunner {
  query(text: string, params?: unknown[]): Promise<any>; // the rows, as TypeORM's runner answered
}

/** A migration: `name` ends with its 13-digit timestamp, which orders it. */
export interface Migration {
  readonly name: string;
  up(runner: MigrationRunner): Promise<void>;
  down?(runner: MigrationRunner): Promise<void>;
}

/** Several processes may start at once: one migrates at a time, under this transaction-level lock. */
const MIGRATION_LOCK = 7414281;

/**
 * Every pending migration, in one transaction holding a transaction-level advisory lock (a
 * session lock would be lost, or leak to another client, through PgBouncer in transaction
 * mode); a process that waited finds nothing left to do. The bookkeeping table is the one
 * TypeORM kept (`migrations`: id, timestamp, name), so databases it migrated carry on.
 */
export async function migrate(database: Database, list: readonly (new () => Migration)[]): Promise<string[]> {
  return database.transaction(async (tx) => {
    await tx.rows('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.rows(`CREATE TABLE IF NOT EXISTS migrations (
      id serial PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL)`);
    const done = new Set((await tx.rows<{ name: string }>('SELECT name FROM migrations')).map((r) => r.name));
    const ran: string[] = [];
    for (const Migration of list) {
      const migration = new Migration();
      if (done.has(migration.name)) continue;
      await migration.up(runnerOn(tx));
      await tx.rows('INSERT INTO migrations ("timestamp", name) VALUES ($1, $2)', [timestampOf(migration.name), migration.name]);
      ran.push(migration.name);
    }
    return ran;
  });
}

function runnerOn(tx: Db): MigrationRunner {
  return { query: (text, params) => tx.rows(text, params) };
}

function timestampOf(name: string): number {
  const digits = /(\d{13})$/.exec(name);
  if (!digits) throw new Error(`migration ${name}: the name must end with a 13-digit timestamp`);
  return Number(digits[1]);
}
