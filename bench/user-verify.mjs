// /user/verifyToken through the gateway vs a bare express route running the same
// statements: the API-key lookup, VERIFY_USER_TOKEN_SQL (one UPDATE … RETURNING that
// checks the token and slides its expiry; no transaction: the method is 'none') and the
// audit row. Target (issue 5): ≥ 60% of the bare route's calls/s.
// The calls cycle through 256 tokens (4× wrk's 64 connections: no token is verified twice at
// once), SlidingTtl by default, so every verify writes. Loaded by wrk (bench/lib/wrk.mjs). Two more bare variants leave statements out, one step at a time, to show where
// the time goes; they are labelled as such and are not the baseline.
// Usage: npm run build && node bench/user-verify.mjs   (BENCH_SECONDS per variant, BENCH_EXPIRY=SlidingTtl|FixedTtl|Infinite,
//        BENCH_PROFILE=<dir> to also print where the server's CPU time goes)
import { randomBytes } from 'node:crypto';
import { isMain, withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';
import { printResult } from './lib/report.mjs';
import { BodyLines, runTurns, wrkOptions } from './lib/wrk.mjs';

const EXPIRY = process.env.BENCH_EXPIRY ?? 'SlidingTtl';
const TOKENS = 256;

/** The baseline (?auth=1&audit=1) and its reduced variants; /setup makes the bare side's own tokens. */
export async function bareRoutes(app, { pool, apiKeyCaller, audit, hash, importDist }) {
  const { VERIFY_USER_TOKEN_SQL } = await importDist('services/user-tokens/user-tokens.js');
  app.post('/setup', async (req, res) => {
    const [{ id: ecosystemId }] = (await pool.query(`INSERT INTO domains (name, name_key) VALUES ('bare', 'bare') RETURNING id`)).rows;
    const [{ id: userId }] = (await pool.query(`INSERT INTO users (domain_id, login_name, login_name_key) VALUES ($1, 'bare', 'bare') RETURNING id`, [ecosystemId])).rows;
    const tokens = Array.from({ length: req.body.n }, () => `tgu_${randomBytes(32).toString('base64url')}`);
    await pool.query(
      `INSERT INTO user_tokens (token_hash, user_id, domain_id, expiry_type, ttl_seconds, expires_at)
       SELECT h, $2, $3, $4, $5::int, now() + $5::int * interval '1 second' FROM unnest($1::bytea[]) AS h`,
      [tokens.map(hash), userId, ecosystemId, req.body.expiryType, req.body.expiryType === 'Infinite' ? null : 3600]);
    res.json({ tokens });
  });
  app.post('/verify', async (req, res) => {
    const started = performance.now();
    const caller = req.query.auth ? await apiKeyCaller(req) : null;
    if (req.query.auth && !caller) return void res.status(401).json({ error: 1001, name: 'UNAUTHENTICATED' });
    const { rows } = await pool.query(VERIFY_USER_TOKEN_SQL, [hash(req.body.token)]);
    const result = rows.length ? { active: true, ...rows[0] } : { active: false };
    if (req.query.audit) await audit({ caller, method: '/user/verifyToken', target: result.userId, started });
    res.json({ jsonrpc: '2.0', id: 1, result });
  });
}

if (isMain(import.meta.url)) {
  const concurrency = TOKENS;
  await withServers({ bare: import.meta.url, profileFrom: 'verifyUserToken' }, async ({ db, tg, bare, gateway, baseline }) => {
    // The gateway issues its own tokens; the bare side stores its own under its pepper.
    const admin = bearer(tg.adminKey);
    const ecosystem = await gateway.rest('/domain/create', { attrs: { name: 'bench' } }, admin);
    const user = await gateway.rest('/user/create', { attrs: { domain: { id: ecosystem.id }, loginName: 'bench' } }, admin);
    const { key } = await gateway.rest('/apikey/create', { attrs: { name: 'bench', scopes: ['user:token'] } }, admin);
    const gwTokens = [];
    for (let i = 0; i < concurrency; i++) {
      gwTokens.push((await gateway.rest('/user/createToken', { ecosystemId: ecosystem.id, id: user.id, expiryType: EXPIRY }, bearer(key))).token);
    }
    const bareTokens = (await baseline.call('/setup', { n: concurrency, expiryType: EXPIRY })).tokens;
    const bareBodies = new BodyLines({ lines: bareTokens.map((token) => JSON.stringify({ token })) });
    const bareVerify = (query) => ({ pid: bare.pid, url: bare.url, path: `/verify${query}`, headers: bearer(bare.apiKey), bodies: bareBodies, expect: '"active":true' });
    const [gw, full, keyOnly, sqlOnly] = await runTurns([
      { name: 'gateway', pid: tg.pid, url: tg.url, path: '/rpc', headers: bearer(key), expect: '"active":true',
        bodies: new BodyLines({ lines: gwTokens.map((token) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/user/verifyToken', params: { token } })) }) },
      { name: 'bare', ...bareVerify('?auth=1&audit=1') },
      { name: 'bare, no audit', ...bareVerify('?auth=1') },
      { name: 'bare, method SQL only', ...bareVerify('') },
    ]);
    console.log(`/user/verifyToken, ${EXPIRY} tokens, wrk -t1 -c${wrkOptions.connections} over ${TOKENS} tokens, ${wrkOptions.seconds} s per variant in ${wrkOptions.turnSeconds} s turns, synchronous_commit=${db.syncCommit}`);
    printResult('/user/verifyToken bare express, same SQL', full, { baseline: true });
    printResult('/user/verifyToken tokengate /rpc', gw, { vs: full, minRatio: 0.6 });
    printResult('/user/verifyToken bare, no audit row', keyOnly);
    printResult('/user/verifyToken bare, method SQL only', sqlOnly);
    console.log(`gateway vs bare without the audit row: ${(100 * gw.rps / keyOnly.rps).toFixed(0)}%; vs the method's statement alone: ${(100 * gw.rps / sqlOnly.rps).toFixed(0)}%`);
  });
}
