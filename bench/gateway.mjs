// Gateway overhead: /domain/get through /rest and /rpc with 64 concurrent connections,
// next to a bare express route running the statements the gateway runs for that call:
// the API-key lookup, the domain SELECT (no transaction: the method is 'none') and the
// audit INSERT. Target (issue 2): the gateway keeps ≥ 60% of the bare route's calls/s.
// Loaded by wrk (bench/lib/wrk.mjs), the variants in alternated turns.
// Usage: npm run build && node bench/gateway.mjs      (BENCH_SECONDS per variant, BENCH_TURN_SECONDS)
import { isMain, withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';
import { printResult } from './lib/report.mjs';
import { BodyLines, runTurns, wrkOptions } from './lib/wrk.mjs';

/** The baseline: express + pg, the same three statements as the gateway. */
export function bareRoutes(app, { pool, apiKeyCaller, audit }) {
  app.post('/domain/get', async (req, res) => {
    const started = performance.now();
    const caller = await apiKeyCaller(req);
    if (!caller) return void res.status(401).json({ error: 1001, name: 'UNAUTHENTICATED' });
    const { rows } = await pool.query( // services/directory getRecord(DOMAINS, {id}), as it reaches PostgreSQL
      'SELECT t.id, t.name, t.description, t.created_at AS "createdAt" FROM domains t WHERE t.deleted_at IS NULL AND t.id = $1::uuid LIMIT 2',
      [req.body.id]);
    await audit({ caller, method: '/domain/get', target: req.body.id, started });
    res.json({ error: 0, result: rows[0] });
  });
}

if (isMain(import.meta.url)) {
  await withServers({ bare: import.meta.url }, async ({ db, tg, bare, gateway, baseline }) => {
    const { id } = await gateway.rest('/domain/create', { attrs: { name: 'bench', description: 'gateway benchmark' } }, bearer(tg.adminKey));
    const params = new BodyLines({ lines: [JSON.stringify({ id })] });
    const [bareResult, rest, rpc] = await runTurns([
      { name: 'bare', pid: bare.pid, url: bare.url, path: '/domain/get', headers: bearer(bare.apiKey), bodies: params, expect: '"result"' },
      { name: 'rest', pid: tg.pid, url: tg.url, path: '/rest/domain/get', headers: bearer(tg.adminKey), bodies: params, expect: '"result"' },
      { name: 'rpc', pid: tg.pid, url: tg.url, path: '/rpc', headers: bearer(tg.adminKey), bodies: new BodyLines({ lines: [JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/domain/get', params: { id } })] }), expect: '"result"' },
    ]);
    console.log(`gateway overhead, /domain/get, wrk -t1 -c${wrkOptions.connections}, ${wrkOptions.seconds} s per variant in ${wrkOptions.turnSeconds} s turns, synchronous_commit=${db.syncCommit}`);
    printResult('/domain/get bare express, same SQL', bareResult, { baseline: true });
    printResult('/domain/get tokengate /rest', rest, { vs: bareResult, minRatio: 0.6 });
    printResult('/domain/get tokengate /rpc', rpc, { vs: bareResult, minRatio: 0.6 });
  });
}
