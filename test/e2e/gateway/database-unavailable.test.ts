import { Client, Pool } from 'pg';
import { isDatabaseUnavailable } from '../../../src/errors';
import { freePort } from '../faults/fault-support';
import { startTestServer, TestServer } from '../../support/server';

/** The classifier against errors real node-postgres and PostgreSQL raise, not hand-made imitations. */
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const errorOf = async (work: () => Promise<unknown>): Promise<unknown> => {
  try { await work(); } catch (err) { return err; }
  throw new Error('expected a failure');
};

describe('which database errors mean "unavailable"', () => {
  it('when nothing listens on the port then the refused connection is unavailable', async () => {
    const client = new Client({ connectionString: `postgres://x:y@127.0.0.1:${await freePort()}/none` });
    expect(isDatabaseUnavailable(await errorOf(() => client.connect()))).toBe(true);
  });

  it('when the pool has no free connection in time then the pool timeout is unavailable', async () => {
    const pool = new Pool({ connectionString: s.databaseUrl, max: 1, connectionTimeoutMillis: 200 });
    const held = await pool.connect();
    try {
      expect(isDatabaseUnavailable(await errorOf(() => pool.query('SELECT 1')))).toBe(true);
    } finally {
      held.release();
      await pool.end();
    }
  });

  it('when the server terminates the session then the error and the next query on it are unavailable', async () => {
    const client = new Client({ connectionString: s.databaseUrl });
    client.on('error', () => {}); // the termination also arrives as an event
    await client.connect();
    const [{ pid }] = (await client.query('SELECT pg_backend_pid() AS pid')).rows;
    const terminated = errorOf(() => client.query('SELECT pg_sleep(5)'));
    await s.db.query('SELECT pg_terminate_backend($1)', [pid]);
    expect(isDatabaseUnavailable(await terminated)).toBe(true);
    expect(isDatabaseUnavailable(await errorOf(() => client.query('SELECT 1')))).toBe(true);
  });

  it('when the SQL is wrong, a constraint fails or a value is bad then it is a bug, not an outage', async () => {
    for (const statement of ['SELEC 1', 'SELECT * FROM no_such_table', "SELECT 'x'::int", 'SELECT 1/0']) {
      expect([statement, isDatabaseUnavailable(await errorOf(() => s.db.query(statement)))]).toEqual([statement, false]);
    }
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });

  it('when a method meets a SQL bug then the client still gets INTERNAL on both envelopes', async () => {
    await s.db.query('ALTER TABLE repositories RENAME COLUMN description TO description_gone');
    try {
      const rpc = await s.rpc('/repository/search', {});
      expect(rpc.error).toMatchObject({ code: -32603, data: { name: 'INTERNAL', correlationId: expect.any(String) } });
      const rest = await s.rest('/repository/search', {});
      expect([rest.status, rest.body.name, rest.headers.get('retry-after')]).toEqual([500, 'INTERNAL', null]);
    } finally {
      await s.db.query('ALTER TABLE repositories RENAME COLUMN description_gone TO description');
    }
  });
});
