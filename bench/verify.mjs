// /auth/verify throughput at 64 concurrent connections with p50/p99, next to a bare
// express route running the statements and the OTP work the gateway runs for that call:
// the API-key lookup, START TRANSACTION, the user lookup, the candidate tokens SELECT …
// FOR UPDATE, the per-user failure limit's look-up (on a side pool, as the server's),
// unsealing the seed, the HOTP window search, the token UPDATE, COMMIT and the audit row.
// Target (issue 3): ≥ 50% of the bare route's calls/s.
// Each of USERS users owns one HOTP token. Every variant draws from one sequence: call i
// sends user i % USERS the code for counter i / USERS, so the counters only move forward
// whichever variant serves the call, and every call should succeed.
// Usage: npm run build && node bench/verify.mjs      (BENCH_SECONDS per variant, in 1 s turns)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { isMain, repoRoot, withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';
import { loadOptions, runInterleaved } from './lib/load.mjs';
import { printResult } from './lib/report.mjs';

const USERS = 1024;

/** The baseline: express + pg, /auth/verify's statements in the gateway's order (services/auth/verify-otp.ts). */
export async function bareRoutes(app, { pool, sidePool, apiKeyCaller, audit, importDist }) {
  const { findHotpCounter, MAX_STORED_HOTP_COUNTER } = await importDist('domain/otp/index.js');
  const { unseal } = await importDist('domain/crypto/seal.js');
  const { TOKEN_ROW_COLUMNS } = await importDist('services/tokens/token-refs.js');
  const masterKey = Buffer.from(process.env.TOKENGATE_MASTER_KEY, 'base64');
  app.post('/auth/verify', async (req, res) => {
    const started = performance.now();
    const caller = await apiKeyCaller(req);
    if (!caller) return void res.status(401).json({ error: 1001, name: 'UNAUTHENTICATED' });
    const { user: ref, credential } = req.body;
    const client = await pool.connect();
    let serial = null;
    try {
      await client.query('START TRANSACTION');
      const { rows: [user] } = await client.query(
        `SELECT u.id, u.domain_id AS "domainId", d.name AS "domainName", u.login_name AS "loginName", u.status FROM users u JOIN domains d ON d.id = u.domain_id
                      WHERE u.id = $1 AND u.deleted_at IS NULL AND d.deleted_at IS NULL`, [ref.id]);
      const { rows: tokens } = await client.query(
        `SELECT ${TOKEN_ROW_COLUMNS}, a.pin_hash AS "pinHash"
           FROM token_assignments a JOIN tokens t ON t.id = a.token_id JOIN products p ON p.id = t.product_id
          WHERE a.user_id = $1 AND a.status = 'ACTIVE' AND t.status = 'ACTIVE'
          ORDER BY t.id FOR UPDATE OF t`, [user.id]);
      await sidePool.query(`SELECT hits, greatest(1, ceil(extract(epoch FROM window_ends_at - now())))::int AS "retryAfter"
          FROM rate_limits WHERE bucket = $1 AND window_ends_at > now()`, [`verify-fail:user:${user.id}`]);
      for (const t of tokens.filter((row) => !row.locked && row.pinHash === null)) {
        const found = findHotpCounter(unseal(masterKey, t.seedSealed, t.id), credential.otp, {
          algorithm: t.algorithm, digits: t.digits, counter: BigInt(t.counter), window: t.authWindow, maxCounter: MAX_STORED_HOTP_COUNTER - 1n });
        if (found !== null) {
          await client.query(`UPDATE tokens SET counter = $2, last_step = $3, drift = $4, fail_count = 0, last_used_at = now() WHERE id = $1`,
            [t.id, (found + 1n).toString(), t.lastStep, t.drift]);
          serial = t.serial;
          break;
        }
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
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

    let sent = 0;
    const nextParams = () => {
      const i = sent++;
      const u = i % USERS;
      return { user: { id: userIds[u] }, credential: { otp: generateHotp(seeds[u], Math.floor(i / USERS), { algorithm: 'SHA1', digits: 6 }) } };
    };
    const [bareResult, rest, rpc] = await runInterleaved([
      { name: 'bare', pid: bare.pid, call: () => baseline.call('/auth/verify', nextParams(), bearer(bare.apiKey)) },
      { name: 'rest', pid: tg.pid, call: () => gateway.rest('/auth/verify', nextParams(), bearer(tg.adminKey)) },
      { name: 'rpc', pid: tg.pid, call: () => gateway.rpc('/auth/verify', nextParams(), bearer(tg.adminKey)) },
    ]);
    console.log(`/auth/verify, HOTP, ${USERS} users, ${loadOptions.concurrency} connections, ${loadOptions.seconds} s per variant in ${loadOptions.sliceSeconds} s turns, synchronous_commit=${db.syncCommit}`);
    printResult('/auth/verify bare express, same SQL and OTP work', bareResult, { baseline: true });
    printResult('/auth/verify tokengate /rest', rest, { vs: bareResult, minRatio: 0.5 });
    printResult('/auth/verify tokengate /rpc', rpc, { vs: bareResult, minRatio: 0.5 });
  });
}
