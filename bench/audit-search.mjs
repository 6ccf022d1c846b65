// /audit/search on a large, partitioned audit log (issue 18): BENCH_AUDIT_ROWS rows
// (default 10,000,000) spread evenly over BENCH_AUDIT_DAYS days (default 30) up to now,
// 50 methods, 200 callers, 2% errors, written by one INSERT … SELECT generate_series into
// the day partitions. Then /audit/search through the gateway (8 concurrent callers) by
// method and a time range (1 hour, 1 day, 7 days), by caller and by outcome over a day,
// each answering {total, rows} (count and the first page of 100, newest first).
// It also prints the query plans of the method + 1 day search (EXPLAIN ANALYZE, BUFFERS).
// Usage: npm run build && node bench/audit-search.mjs   (BENCH_AUDIT_ROWS=1000000 for a quick run,
//        BENCH_SECONDS per variant, BENCH_CONCURRENCY callers)
import pg from 'pg';
import { withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';
import { printResult, printTimed } from './lib/report.mjs';
import { BodyLines, runTurns } from './lib/wrk.mjs';

const ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 10_000_000);
const DAYS = Number(process.env.BENCH_AUDIT_DAYS ?? 30);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const HOUR = 3600_000;

await withServers({}, async ({ db, tg, gateway }) => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const end = Date.now();
    const start = end - DAYS * 24 * HOUR;
    const seconds = await generateLog(client, start, end);
    console.log(`audit log: ${ROWS.toLocaleString('en')} rows over ${DAYS} days written in ${seconds.toFixed(1)} s (INSERT … SELECT generate_series, then VACUUM ANALYZE)`);
    printTimed({ name: `generate ${ROWS.toLocaleString('en')} audit rows`, seconds, rowsPerSec: Math.round(ROWS / seconds) });

    const key = bearer(tg.adminKey);
    // Ranges end a day before now, so the calls the bench itself makes (audited today) stay out of them.
    const rangeEnd = end - 24 * HOUR;
    const iso = (ms) => new Date(ms).toISOString();
    const range = (hours) => [['time', '>=', iso(rangeEnd - hours * HOUR)], ['time', '<', iso(rangeEnd)]];
    const method = (w) => `/bench/m${w % 50}`;
    const searches = [
      { name: 'method + 1 hour', match: (w) => [['method', '=', method(w)], ...range(1)] },
      { name: 'method + 1 day', match: (w) => [['method', '=', method(w)], ...range(24)] },
      { name: 'method + 7 days', match: (w) => [['method', '=', method(w)], ...range(24 * 7)] },
      { name: 'caller + 1 day', match: (w) => [['caller', '=', `apikey:bench-${w % 200}`], ...range(24)] },
      { name: 'outcome error + 1 day', match: () => [['outcome', '=', 'error'], ...range(24)] },
    ];
    for (const s of searches) {
      const page = await gateway.rpc('/audit/search', { match: s.match(0) }, key);
      console.log(`${s.name}: total ${page.total}, first page ${page.rows.length} rows, newest ${page.rows[0]?.time}`);
      if (page.total === 0 || page.rows.length === 0) throw new Error(`${s.name} found nothing: the generated log or the search is wrong`);
    }
    // wrk with CONCURRENCY connections; the calls cycle through 200 matches (50 methods, 200 callers)
    const results = await runTurns(searches.map((s) => ({
      name: s.name, pid: tg.pid, url: tg.url, path: '/rpc', headers: key, expect: '"result"',
      bodies: new BodyLines({ lines: Array.from({ length: 200 }, (_, w) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/audit/search', params: { match: s.match(w) } })) }),
    })), { connections: CONCURRENCY });
    for (const [i, s] of searches.entries()) {
      printResult(`/audit/search ${s.name} (${(ROWS / 1e6).toLocaleString('en')}M rows)`, results[i], { extra: { rows: ROWS } });
    }
    await printPlans(client, iso(rangeEnd - 24 * HOUR), iso(rangeEnd));
  } finally {
    await client.end();
  }
});

/** Day partitions for the whole span (the server made today's and the days ahead), then the rows in one statement. */
async function generateLog(client, start, end) {
  const started = performance.now();
  for (let day = Date.parse(new Date(start).toISOString().slice(0, 10)); day < end; day += 24 * HOUR) {
    const from = new Date(day).toISOString().slice(0, 10);
    const name = `audit_log_p${from.replace(/-/g, '')}`;
    const [{ exists }] = (await client.query('SELECT to_regclass($1) IS NOT NULL AS exists', [name])).rows;
    if (!exists) {
      await client.query(`CREATE TABLE ${name} PARTITION OF audit_log FOR VALUES FROM ('${from} 00:00+00') TO ('${new Date(day + 24 * HOUR).toISOString().slice(0, 10)} 00:00+00')`);
    }
  }
  // Time grows with i, as in a real log; methods, callers and errors cycle at different strides.
  await client.query(`
    INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms)
    SELECT to_timestamp($1::float8 / 1000) + (i::float8 / $3) * ($2::float8 - $1::float8) * interval '1 millisecond',
           'apikey:bench-' || (i * 7 % 200), '/bench/m' || (i % 50), 'target-' || (i % 100000),
           CASE WHEN i % 50 = 0 THEN 'error' ELSE 'ok' END, CASE WHEN i % 50 = 0 THEN 'TOKEN_NOT_FOUND' END, (i % 1000) / 100.0
      FROM generate_series(1, $3::bigint) AS i`, [start, end, ROWS]);
  await client.query('VACUUM ANALYZE audit_log');
  return (performance.now() - started) / 1000;
}

/** The two statements searchPage sends for "method + 1 day", as PostgreSQL runs them. */
async function printPlans(client, from, to) {
  const where = `FROM audit_log WHERE TRUE AND method = $1::text AND time >= $2::timestamptz AND time < $3::timestamptz`;
  const statements = {
    count: `SELECT count(*)::int AS total ${where}`,
    page: `SELECT time, caller, method, target, outcome, error_name AS "errorName", round(duration_ms::numeric, 2)::float AS "durationMs"
      ${where} ORDER BY time DESC, id DESC OFFSET 0 LIMIT 100`,
  };
  for (const [name, text] of Object.entries(statements)) {
    const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${text}`, ['/bench/m7', from, to]);
    console.log(`\nplan (${name}, method + 1 day):\n${plan.rows.map((r) => `  ${r['QUERY PLAN']}`).join('\n')}`);
  }
}
