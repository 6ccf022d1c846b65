// Gateway overhead: /domain/get through /rpc and /rest with 64 concurrent connections,
// next to a bare express route running the same SQL — the API-key lookup, the domain
// SELECT and the audit INSERT — so the ratio measures the gateway itself (dispatch,
// validation, envelopes). Target: ≥ 60% of the bare route.
// Usage: npm run build && node bench/gateway.mjs [seconds]
import pg from 'pg';
import { runLoad, startBare, startPostgres, startTokengate } from './lib/harness.mjs';
import { printResult } from './lib/report.mjs';

const seconds = Number(process.argv[2] ?? 5);
const db = await startPostgres();
const tg = await startTokengate(db.url);
const auth = { authorization: `Bearer ${tg.adminKey}` };
const call = async (method, params) => {
  const res = await fetch(`${tg.url}/rest${method}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return (await res.json()).result;
};
const { id } = await call('/domain/create', { attrs: { name: 'bench', description: 'gateway benchmark' } });

const pool = new pg.Pool({ connectionString: db.url, max: 20 });
const keyHash = (await pool.query(`SELECT key_hash FROM api_keys LIMIT 1`)).rows[0].key_hash;
const bare = await startBare((app) => app.post('/domain/get', async (req, res) => {
  const started = performance.now();
  const { rows: [caller] } = await pool.query(
    `SELECT id, name, scopes, identity FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`, [keyHash]);
  const { rows } = await pool.query(
    'SELECT id, name, description, created_at AS "createdAt" FROM domains WHERE id = $1 AND deleted_at IS NULL', [req.body.id]);
  await pool.query(`INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [new Date(), `apikey:${caller.id}`, '/domain/get', req.body.id, 'ok', null, performance.now() - started]);
  res.json({ error: 0, result: rows[0] });
}));

const load = (baseUrl, request) => runLoad({ baseUrl, concurrency: 64, durationMs: seconds * 1000, request });
const bareResult = await load(bare.url, () => ({ path: '/domain/get', body: { id } }));
const rest = await load(tg.url, () => ({ path: '/rest/domain/get', body: { id }, headers: auth }));
const rpc = await load(tg.url, (i) => ({ path: '/rpc', body: { jsonrpc: '2.0', id: i, method: '/domain/get', params: { id } }, headers: auth }));

console.log(`gateway overhead, /domain/get, 64 connections, ${seconds} s each`);
printResult('bare express + same SQL', bareResult, undefined, { bare: true });
printResult('tokengate /rest/domain/get', rest, bareResult);
printResult('tokengate /rpc /domain/get', rpc, bareResult);

await pool.end();
await bare.stop();
await tg.stop();
await db.stop();
