import { Client } from 'pg';

/**
 * The time a test server lives in, moved by the test instead of waited for. tokengate reads
 * time in two places: the database's now() (expiry, sliding ttl, rate-limit windows: the
 * rules are SQL) and the server's clock (AppDeps.clock: TOTP steps). A TestClock moves both
 * by the same offset from the wall clock; it starts at offset 0.
 *
 * The database side: a function test_clock.now() = pg_catalog.now() + the offset, found
 * before pg_catalog's by the database's search_path (set before any connection opens, so
 * every pool, driver and prepared statement sees it). Like PostgreSQL's now() it is the
 * transaction's start time, plus the offset as of each statement: move the clock between
 * transactions, not inside one.
 */
export interface TestClock {
  /** Milliseconds since the epoch, as the server reads them. */
  now(): number;
  /** Moves the server's and the database's clocks forward (or back) by `seconds`. */
  advance(seconds: number): Promise<void>;
  /** Back to the wall clock. */
  reset(): Promise<void>;
}

/** Installs the database side in `databaseUrl`'s database (empty, before its migrations run). */
export async function installTestClock(databaseUrl: string): Promise<TestClock> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  await withClient(databaseUrl, async (c) => {
    await c.query(`
      CREATE SCHEMA test_clock;
      CREATE TABLE test_clock.shift (seconds float8 NOT NULL);
      INSERT INTO test_clock.shift VALUES (0);
      CREATE FUNCTION test_clock.now() RETURNS timestamptz LANGUAGE sql STABLE
        AS $$ SELECT pg_catalog.now() + (SELECT seconds FROM test_clock.shift) * interval '1 second' $$;
      -- public first: tables are still created there; pg_catalog named after test_clock, so its now() comes second
      ALTER DATABASE "${name}" SET search_path = "$user", public, test_clock, pg_catalog;`);
  });
  let offsetMs = 0;
  const shift = (ms: number) => withClient(databaseUrl, async (c) => {
    await c.query('UPDATE test_clock.shift SET seconds = $1', [ms / 1000]);
    offsetMs = ms;
  });
  return {
    now: () => Date.now() + offsetMs,
    advance: (seconds) => shift(offsetMs + seconds * 1000),
    reset: () => shift(0),
  };
}

async function withClient(url: string, work: (c: Client) => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try { await work(client); } finally { await client.end(); }
}
