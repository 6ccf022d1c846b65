// /auth/verify throughput at 64 concurrent connections, next to a bare express route
// running the same SQL and the same OTP work: the API-key lookup, BEGIN, the user
// lookup, the candidate tokens SELECT … FOR UPDATE, unsealing the seed, the HOTP window
// search, the token UPDATE, COMMIT and the audit INSERT. Target: ≥ 50% of the bare route.
// Each of USERS users owns one HOTP token; request i sends user i % USERS the code for
// counter i / USERS, so a token's requests never overlap and every call should succeed.
// Usage: npm run build && node bench/verify.mjs [seconds]
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { formatRow, repoRoot, runLoad, startBare, startPostgres, startTokengate } from './lib/harness.mjs';

const { generateHotp, findHotpCounter } = await import(`${repoRoot}/dist/src/domain/otp/index.js`);
const { unseal } = await import(`${repoRoot}/dist/src/domain/crypto/seal.js`);

const seconds = Number(process.argv[2] ?? 5);
const USERS = 1024;
const masterKey = randomBytes(32);
const db = await startPostgres();
const tg = await startTokengate(db.url, { TOKENGATE_MASTER_KEY: masterKey.toString('base64') });
const auth = { authorization: `Bearer ${tg.adminKey}` };
const pool = new pg.Pool({ connectionString: db.url, max: 20 });

// tokens through the import method (sealed by the server), users and assignments with SQL
const seeds = Array.from({ length: USERS }, () => randomBytes(20));
const csv = seeds.map((seed, i) => `BENCH-${i},${seed.toString('hex')},HOTP,6,0`).join('\n');
const imported = await (await fetch(`${tg.url}/rest/token/create`, {
  method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ attrs: { data: csv } }),
})).json();
if (imported.error !== 0) throw new Error(`import failed: ${JSON.stringify(imported)}`);
const { rows: [domain] } = await pool.query(`INSERT INTO domains (name) VALUES ('bench') RETURNING id`);
const { rows: users } = await pool.query(
  `INSERT INTO users (domain_id, login_name) SELECT $1, 'user' || g FROM generate_series(0, $2 - 1) g RETURNING id, login_name`, [domain.id, USERS]);
const userIds = users.sort((a, b) => Number(a.login_name.slice(4)) - Number(b.login_name.slice(4))).map((u) => u.id);
await pool.query(`INSERT INTO token_assignments (token_id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`,
  [imported.result.rows.map((r) => r.id), userIds]);

const keyHash = (await pool.query(`SELECT key_hash FROM api_keys LIMIT 1`)).rows[0].key_hash;
const bare = await startBare((app) => app.post('/auth/verify', async (req, res) => {
  const started = performance.now();
  const { rows: [caller] } = await pool.query(
    `SELECT id, name, scopes, identity FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`, [keyHash]);
  const client = await pool.connect();
  let serial = null;
  try {
    await client.query('BEGIN');
    const { rows: [user] } = await client.query(
      `SELECT u.id, u.status FROM users u JOIN domains d ON d.id = u.domain_id WHERE u.id = $1 AND u.deleted_at IS NULL AND d.deleted_at IS NULL`, [req.body.user.id]);
    const { rows: tokens } = await client.query(
      `SELECT t.id, t.serial, t.counter::float8 AS counter, t.algorithm, t.digits, t.seed_sealed, p.auth_window, t.locked
         FROM token_assignments a JOIN tokens t ON t.id = a.token_id JOIN products p ON p.id = t.product_id
        WHERE a.user_id = $1 AND a.status = 'ACTIVE' AND t.status = 'ACTIVE' ORDER BY t.id FOR UPDATE OF t`, [user.id]);
    for (const t of tokens) {
      const c = findHotpCounter(unseal(masterKey, t.seed_sealed, t.id), req.body.credential.otp,
        { algorithm: t.algorithm, digits: t.digits, counter: t.counter, window: t.auth_window });
      if (c !== null) {
        await client.query(`UPDATE tokens SET counter = $2, fail_count = 0, last_used_at = now() WHERE id = $1`, [t.id, String(c + 1n)]);
        serial = t.serial;
        break;
      }
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  await pool.query(`INSERT INTO audit_log (time, caller, method, target, outcome, error_name, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [new Date(), `apikey:${caller.id}`, '/auth/verify', req.body.user.id, serial ? 'ok' : 'error', serial ? null : 'AUTH_FAILED', performance.now() - started]);
  if (serial) res.json({ error: 0, result: { verified: true, serial } });
  else res.status(401).json({ error: 2002, name: 'AUTH_FAILED' });
}));

// The bare route and tokengate each start from counter 0 on their own copy of the counters.
// (our own sequence number: the harness restarts its index after the warm-up)
const requestFor = (path, extra = {}) => {
  let sent = 0;
  return () => {
    const i = sent++;
    const u = i % USERS;
    const otp = generateHotp(seeds[u], Math.floor(i / USERS), { algorithm: 'SHA1', digits: 6 });
    return { path, body: { user: { id: userIds[u] }, credential: { otp } }, headers: { ...auth, ...extra } };
  };
};
const load = (baseUrl, request) => runLoad({ baseUrl, concurrency: 64, durationMs: seconds * 1000, request });
const bareResult = await load(bare.url, requestFor('/auth/verify'));
await pool.query(`UPDATE tokens SET counter = 0, fail_count = 0, locked = false`);
const rest = await load(tg.url, requestFor('/rest/auth/verify'));

console.log(`/auth/verify, HOTP, ${USERS} users, 64 connections, ${seconds} s each (1 s warm-up)`);
console.log(formatRow('bare express + same SQL and OTP', bareResult));
console.log(formatRow('tokengate /rest/auth/verify', rest, bareResult));

await pool.end();
await bare.stop();
await tg.stop();
await db.stop();
