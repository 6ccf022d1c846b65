import { Socket } from 'node:net';
import { openTestDb, type TestDb } from '../../support/test-db';
import { isDatabaseUnavailable } from '../../../src/errors';
import { startTestServer, TestServer } from '../../support/server';
import { startCuttableRelay } from '../gateway/server-processes';

// The hot paths' statements run named and pipelined on connections of their own
// (src/db/hot-lane.ts), every other statement unnamed on the pool. The same statement must
// mean the same on both: the pool is the reference here. A Database with ONE hot
// connection makes "several statements in flight on one connection" certain.

let s: TestServer;
let db: TestDb;
beforeAll(async () => {
  s = await startTestServer();
  db = await openTestDb(s.databaseUrl, { poolSize: 1, hotConnections: 1 });
});
afterAll(async () => { await db?.close(); await s.close(); });

/** Counts node's socket writes to `port` (one per syscall batch: _write or _writev) until stop(). */
function socketWritesTo(port: number) {
  const proto = Socket.prototype as unknown as Record<'_write' | '_writev', (this: Socket, ...args: unknown[]) => unknown>;
  const originals = { _write: proto._write, _writev: proto._writev };
  const counter = { count: 0, stop: () => Object.assign(proto, originals) };
  for (const name of ['_write', '_writev'] as const) {
    proto[name] = function (this: Socket, ...args: unknown[]) {
      if (this.remotePort === port) counter.count++;
      return originals[name].apply(this, args);
    };
  }
  return counter;
}

const pid = async () => (await db.hot<{ pid: number }>('SELECT pg_backend_pid() AS pid'))[0].pid;

describe('the hot lane (pipelined, named statements)', () => {
  it('when parameters are dates, arrays with nulls and quotes, JSON, bytes, booleans and 64-bit numbers then rows are what the pool reads', async () => {
    const text = `SELECT $1::timestamptz AS at, $2::text[] AS texts, $3::real[] AS reals, $4::uuid[] AS ids, $5::bytea AS bytes,
      $6::bigint AS big, $7::jsonb AS doc, $8::int AS n, $9::text AS nothing, $10::timestamptz[] AS ats,
      $11::boolean AS flag, $12::boolean AS "noFlag", $13::timestamptz AS forever,
      $6::bigint + 1 AS "bigPlusOne", 12.50::numeric AS num, 0.5::float8 AS half, true AS yes, ARRAY[1, 2]::int[] AS ints`;
    const params = [
      new Date('2026-11-30T08:00:00.123Z'), ['a"b\\c,{}', null, ''], [1.5, null], ['7d444840-9dc0-11d1-b245-5ffdce74fad2'],
      Buffer.from([0, 255, 10]), '9007199254740993', { k: ['v', 1] }, 42, null, [new Date(0), null],
      true, false, 'infinity',
    ];
    const [viaPg] = await db.rows(text, params);
    const [pipelined] = await db.hot(text, params);
    expect(pipelined).toEqual(viaPg);
    expect(pipelined).toEqual({
      at: new Date('2026-11-30T08:00:00.123Z'), texts: ['a"b\\c,{}', null, ''], reals: [1.5, null], ids: ['7d444840-9dc0-11d1-b245-5ffdce74fad2'],
      bytes: Buffer.from([0, 255, 10]), big: '9007199254740993', doc: { k: ['v', 1] }, n: 42, nothing: null, ats: [new Date(0), null],
      flag: true, noFlag: false, forever: Infinity, bigPlusOne: '9007199254740994', num: '12.50', half: 0.5, yes: true, ints: [1, 2],
    });
  });

  it('when 40 statements are in flight on one connection then each gets its own answer, and one that fails fails alone', async () => {
    const sent = Array.from({ length: 40 }, (_, i) => db.hot<{ v: number; pid: number }>(
      'SELECT 12 / $1::int AS v, pg_backend_pid() AS pid', [i % 5 === 0 ? 0 : i]));
    const answers = await Promise.allSettled(sent);
    answers.forEach((answer, i) => {
      if (i % 5 === 0) expect(answer).toMatchObject({ status: 'rejected', reason: { code: '22012' } }); // division_by_zero
      else expect(answer).toMatchObject({ status: 'fulfilled', value: [{ v: Math.trunc(12 / i) }] });
    });
    const pids = new Set(answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value[0].pid] : [])));
    expect(pids.size).toBe(1);
  });

  it('when 40 statements are sent in one event-loop turn then they leave in one socket write, each with its own answer', async () => {
    const text = 'SELECT $1::int * 2 AS v';
    await db.hot(text, [0]); // parsed and named once: what follows is only Bind/Execute/Sync
    const writes = socketWritesTo(Number(new URL(s.databaseUrl).port));
    try {
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => db.hot<{ v: number }>(text, [i])));
      expect(answers.map(([row]) => row.v)).toEqual(Array.from({ length: 40 }, (_, i) => 2 * i));
    } finally {
      writes.stop();
    }
    expect(writes.count).toBe(1);
  });

  it('when PostgreSQL ends the connection then the call in flight is "unavailable" and the next call is answered on a new connection', async () => {
    const before = await pid();
    const inFlight = db.hot('SELECT pg_sleep(5)').then(() => null, (err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await s.db.query('SELECT pg_terminate_backend($1)', [before]);
    expect(isDatabaseUnavailable(await inFlight)).toBe(true);
    const after = await pid();
    expect(after).not.toBe(before);
  });

  it('when the Database is closed then its hot connections are closed', async () => {
    const other = await openTestDb(s.databaseUrl, { poolSize: 1, hotConnections: 2 });
    const pids = new Set((await Promise.all(Array.from({ length: 8 }, () =>
      other.hot<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.05)')))).map(([row]) => row.pid));
    expect(pids.size).toBe(2);
    await other.close();
    const open = await s.db.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1::int[])', [[...pids]]);
    expect(open[0].n).toBe(0);
  });

  it('when the connection stops answering then the waiting statements fail as "unavailable" after the timeout and the next one gets a new connection', async () => {
    const relay = await startCuttableRelay(s.databaseUrl);
    const held = await openTestDb(relay.url, { poolSize: 1, hotConnections: 1, hotStatementTimeoutMs: 1_000 });
    try {
      expect(await held.hot('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      relay.hold(); // PostgreSQL's replies stop reaching the connection
      const waiting = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => held.hot('SELECT $1::int AS v', [i])));
      expect(waiting.map((w) => w.status === 'rejected' && isDatabaseUnavailable(w.reason))).toEqual([true, true, true, true, true]);
      relay.release();
      expect(await held.hot('SELECT $1::int AS v', [7])).toEqual([{ v: 7 }]);
    } finally {
      await held.close();
      await relay.close();
    }
  });
});
