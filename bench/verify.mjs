// /auth/verify throughput at 64 concurrent connections with p50/p99, next to a bare
// express route running the statements and the OTP work the gateway runs for that call:
// the API-key lookup, the one snapshot SELECT (user, tokens, failure bucket), unsealing the
// seed, the HOTP window search, the compare-and-set UPDATE and the audit row.
// Target (issue 3): ≥ 50% of the bare route's calls/s. The physical floors: bench/hot-paths.mjs.
// The bare route sends these statements unnamed; the server prepares them (TOKENGATE_PREPARED_STATEMENTS,
// default on), which is why it can come out above 100% of its "same SQL" baseline.
// Each of USERS users owns one HOTP token. Every variant draws from one sequence: call i
// sends user i % USERS the code for counter i / USERS, so the counters only move forward
// whichever variant serves the call, and every call should succeed.
// Loaded by wrk (bench/lib/wrk.mjs), the variants in alternated turns.
// Usage: npm run build && node bench/verify.mjs      (BENCH_SECONDS per variant, BENCH_TURN_SECONDS)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { isMain, repoRoot, withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';
import { printResult } from './lib/report.mjs';
import { BodyLines, runTurns, wrkOptions } from './lib/wrk.mjs';

const USERS = 1024;

/** The baseline: express + pg, /auth/verify's statements in the gateway's order (services/auth/verify-otp.ts). */
export async function bareRoutes(app, { pool, apiKeyCaller, audit, importDist }) {
  const { findHotpCounter, MAX_STORED_HOTP_COUNTER } = await importDist('domain/otp/index.js');
  const { unseal } = await importDist('domain/crypto/seal.js');
  const { verifySnapshotSql } = await importDist('services/auth/verify-candidates.js');
  const { COMMIT_MATCH_SQL } = await importDist('services/auth/verify-otp.js');
  const masterKey = Buffer.from(process.env.TOKENGATE_MASTER_KEY ?? '', 'base64');
  const limit = 20; // TOKENGATE_RATE_LIMIT_VERIFY's default
  app.post('/auth/verify', async (req, res) => {
    const started = performance.now();
    const caller = await apiKeyCaller(req);
    if (!caller) return void res.status(401).json({ error: 1001, name: 'UNAUTHENTICATED' });
    const { user: ref, credential } = req.body;
    const { text, params } = verifySnapshotSql(ref);
    const { rows } = await pool.query(text, params);
    let serial = null;
    for (const t of rows.filter((row) => row.id !== null && !row.locked && row.pinHash === null)) {
      const found = findHotpCounter(unseal(masterKey, t.seedSealed, t.id), credential.otp, {
        algorithm: t.algorithm, digits: t.digits, counter: BigInt(t.counter), window: t.authWindow, maxCounter: MAX_STORED_HOTP_COUNTER - 1n });
      if (found !== null) {
        const { rows: won } = await pool.query(COMMIT_MATCH_SQL,
          [t.id, (found + 1n).toString(), t.lastStep, t.drift, t.counter, t.lastStep, limit, `verify-fail:user:${t.userId}`]);
        if (won.length) serial = t.serial;
        break;
      }
    }
    await audit({ caller, method: '/auth/verify', target: ref.id, outcome: serial ? 'ok' : 'error', errorName: serial ? undefined : 'AUTH_FAILED', started });
    if (serial) res.json({ error: 0, result: { verified: true, serial } });
    else res.status(401).json({ error: 2002, name: 'AUTH_FAILED' });
  });
}

if (isMain(import.meta.url)) {
  const { generateHotp } = await import(`${repoRoot}/dist/src/domain/otp/index.js`);
  const env = { TOKENGATE_MASTER_KEY: randomBytes(32).toString('base64') }; // the bare route unseals the seeds too
  await withServers({ bare: import.meta.url, env, profileFrom: 'verifyUserOtp' }, async ({ db, tg, bare, gateway, baseline }) => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    // tokens through the import method (sealed by the server), users and assignments with SQL
    const seeds = Array.from({ length: USERS }, () => randomBytes(20));
    const imported = await gateway.rest('/token/create', { attrs: { data: seeds.map((seed, i) => `BENCH-${i},${seed.toString('hex')},HOTP,6,0`).join('\n') } }, bearer(tg.adminKey));
    const { rows: [domain] } = await pool.query(`INSERT INTO domains (name, name_key) VALUES ('bench', 'bench') RETURNING id`);
    const { rows: users } = await pool.query(
      `INSERT INTO users (domain_id, login_name, login_name_key) SELECT $1, 'user' || g, 'user' || g FROM generate_series(0, $2 - 1) g RETURNING id, login_name`, [domain.id, USERS]);
    const userIds = users.sort((a, b) => Number(a.login_name.slice(4)) - Number(b.login_name.slice(4))).map((u) => u.id);
    const tokenIds = imported.rows.sort((a, b) => Number(a.serial.slice(6)) - Number(b.serial.slice(6))).map((r) => r.id);
    await pool.query(`INSERT INTO token_assignments (token_id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [tokenIds, userIds]);
    await pool.end();

    // call i: user i % USERS with the code for counter i / USERS, never sent twice (one sequence
    // for all three variants, which share the tokens); wrk reads line i as the body of call i
    const params = (i) => ({ user: { id: userIds[i % USERS] }, credential: { otp: generateHotp(seeds[i % USERS], Math.floor(i / USERS), { algorithm: 'SHA1', digits: 6 }) } });
    const plain = new BodyLines({ generate: (i) => JSON.stringify(params(i)) });
    const rpcBodies = new BodyLines({ generate: (i) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/auth/verify', params: params(i) }), sharesCursorWith: plain });
    const variants = [
      { name: 'bare', pid: bare.pid, url: bare.url, path: '/auth/verify', headers: bearer(bare.apiKey), bodies: plain, expect: '"verified":true' },
      { name: 'rest', pid: tg.pid, url: tg.url, path: '/rest/auth/verify', headers: bearer(tg.adminKey), bodies: plain, expect: '"verified":true' },
      { name: 'rpc', pid: tg.pid, url: tg.url, path: '/rpc', headers: bearer(tg.adminKey), bodies: rpcBodies, expect: '"verified":true' },
    ];
    const [bareResult, rest, rpc] = await runTurns(variants);
    console.log(`/auth/verify, HOTP, ${USERS} users, wrk -t1 -c${wrkOptions.connections}, ${wrkOptions.seconds} s per variant in ${wrkOptions.turnSeconds} s turns, synchronous_commit=${db.syncCommit}`);
    printResult('/auth/verify bare express, same SQL and OTP work', bareResult, { baseline: true });
    printResult('/auth/verify tokengate /rest', rest, { vs: bareResult, minRatio: 0.5 });
    printResult('/auth/verify tokengate /rpc', rpc, { vs: bareResult, minRatio: 0.5 });
  });
}
