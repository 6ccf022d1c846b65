// The hot paths against their physical floors (issue 13), in ONE run:
//   floor A  bare node:http + pg, one `UPDATE tokens SET counter = counter + 1 WHERE id = $1 RETURNING counter` per call
//   floor B  bare node:http + pg, HMAC-SHA-256 of the token in node, one `SELECT … FROM user_tokens WHERE token_hash = $1`
//   (and, for context only, A′ and B′: the same over postgres.js, pipelined as tokengate's hot statements are)
// (bench/lib/floor-app.mjs), and tokengate's /auth/verify (HOTP, success) against floor A,
// /user/verifyToken and /device/verifyToken against floor B, each once with one server
// process and once with `serve --workers 2`, as calls/s, p50, p99 and ratio to the floor.
// Targets: /auth/verify ≥ 0.5× floor A with p99 ≤ 50 ms; verifyToken ≥ 0.5× floor B with p99 ≤ 30 ms.
// Every tokengate call authenticates with an API key (from the credential cache of SPEC §9;
// the "no credential cache" rows run a third server with TOKENGATE_CREDENTIAL_CACHE_SIZE=0,
// which looks it up per call) and writes its audit row (group commit), over JSON-RPC (/rpc).
// Each of USERS users owns one HOTP token; call i sends user i % USERS the code for counter
// i / USERS, so counters only move forward whichever process serves the call.
// Usage: npm run build && node bench/hot-paths.mjs   (BENCH_SECONDS per row, BENCH_CONCURRENCY,
//        BENCH_EXPIRY=SlidingTtl|FixedTtl|Infinite for the user tokens, BENCH_PROFILE=<dir>
//        to print where the single server's CPU time goes, BENCH_STATEMENTS=1 for the database's
//        time by statement, BENCH_ONLY=verify,user,device to
//        measure only those paths' rows beside the floors)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PIPELINED_POOL_SIZE, printStatementStats, repoRoot, startFloor, startPostgres, startTokengate } from './lib/harness.mjs';
import { bearer, httpClient } from './lib/http-client.mjs';
import { loadOptions, runInterleaved } from './lib/load.mjs';
import { printProfile } from './lib/profile.mjs';
import { printResult } from './lib/report.mjs';

const USERS = 1024;
const EXPIRY = process.env.BENCH_EXPIRY ?? 'SlidingTtl';
const only = process.env.BENCH_ONLY?.split(',');
const { generateHotp } = await import(`${repoRoot}/dist/src/domain/otp/index.js`);

const stops = [];
try {
  const db = await startPostgres();
  stops.push(() => db.stop());
  // both servers share the master key (seeds, pepper) and find the admin key already there
  const env = { TOKENGATE_MASTER_KEY: randomBytes(32).toString('base64'), TOKENGATE_ADMIN_KEY: `tgk_${randomBytes(32).toString('base64url')}` };
  const single = await startTokengate(db.url, env);
  stops.push(async () => { await single.stop(); printProfile(single.pid, { from: 'invoke' }); });
  const cluster = await startTokengate(db.url, env, { workers: 2 });
  stops.push(() => cluster.stop());
  // the same single process without the credential cache (SPEC §9): the caller looked up per call
  const uncached = await startTokengate(db.url, { ...env, TOKENGATE_CREDENTIAL_CACHE_SIZE: '0' });
  stops.push(() => uncached.stop());
  const floor = await startFloor(db.url);
  stops.push(() => floor.stop());
  const [one, two, three, bare] = [httpClient(single.url), httpClient(cluster.url), httpClient(uncached.url), httpClient(floor.url)];
  stops.push(() => { one.close(); two.close(); three.close(); bare.close(); });

  const fx = await fixtures(db.url, one, bare, bearer(env.TOKENGATE_ADMIN_KEY));
  let sent = 0;
  const verifyParams = () => {
    const i = sent++;
    const u = i % USERS;
    return { user: { id: fx.userIds[u] }, credential: { otp: generateHotp(fx.seeds[u], Math.floor(i / USERS), { algorithm: 'SHA1', digits: 6 }) } };
  };
  let floorCalls = 0;
  const active = (reply) => { if (reply.active !== true) throw new Error('answered active: false'); };
  const valid = (reply) => { if (reply.valid !== true) throw new Error('answered valid: false'); };
  const paths = (client) => ({
    verify: () => client.rpc('/auth/verify', verifyParams(), fx.verifyKey),
    user: (w) => client.rpc('/user/verifyToken', { token: fx.userTokens[w] }, fx.userKey).then(active),
    device: (w) => client.rpc('/device/verifyToken', fx.devices[w], fx.deviceKey).then(valid),
  });
  const [p1, p2, p3] = [paths(one), paths(two), paths(three)];
  // name, the call, the floor it is measured against and its p99 target; BENCH_ONLY=verify,user,device keeps those paths' rows
  const rows = [
    { name: '/auth/verify (HOTP success)', variant: { pid: single.pid, call: p1.verify }, floor: 'A', p99: 50, path: 'verify' },
    { name: '/user/verifyToken', variant: { pid: single.pid, call: p1.user }, floor: 'B', p99: 30, path: 'user' },
    { name: '/device/verifyToken', variant: { pid: single.pid, call: p1.device }, floor: 'B', p99: 30, path: 'device' },
    { name: '/auth/verify (HOTP success), --workers 2', variant: { call: p2.verify }, floor: 'A', p99: 50, path: 'verify' },
    { name: '/user/verifyToken, --workers 2', variant: { call: p2.user }, floor: 'B', p99: 30, path: 'user' },
    { name: '/device/verifyToken, --workers 2', variant: { call: p2.device }, floor: 'B', p99: 30, path: 'device' },
    { name: '/auth/verify (HOTP success), no credential cache', variant: { pid: uncached.pid, call: p3.verify }, floor: 'A', p99: 50, path: 'verify' },
    { name: '/user/verifyToken, no credential cache', variant: { pid: uncached.pid, call: p3.user }, floor: 'B', p99: 30, path: 'user' },
    { name: '/device/verifyToken, no credential cache', variant: { pid: uncached.pid, call: p3.device }, floor: 'B', p99: 30, path: 'device' },
  ].filter((row) => !only || only.includes(row.path));
  const [floorA, floorB, floorA2, floorB2, ...measured] = await runInterleaved([
    { name: 'floor A', pid: floor.pid, call: () => bare.call('/floor-a', { id: fx.floorTokenIds[floorCalls++ % USERS] }) },
    { name: 'floor B', pid: floor.pid, call: (w) => bare.call('/floor-b', { token: fx.floorTokens[w] }).then(active) },
    { name: 'floor A pipelined', pid: floor.pid, call: () => bare.call('/floor-a-pipelined', { id: fx.floorTokenIds[floorCalls++ % USERS] }) },
    { name: 'floor B pipelined', pid: floor.pid, call: (w) => bare.call('/floor-b-pipelined', { token: fx.floorTokens[w] }).then(active) },
    ...rows.map((row) => ({ name: row.name, ...row.variant })),
  ]);
  console.log(`hot paths vs their floors, ${loadOptions.concurrency} keep-alive connections, ${loadOptions.seconds} s per row in ${loadOptions.sliceSeconds} s turns, synchronous_commit=${db.syncCommit}, user tokens ${EXPIRY}`);
  printResult('floor A: node:http + pg, one UPDATE … counter + 1', floorA, { baseline: true, ratioTo: 'floor A' });
  printResult('floor B: node:http + pg, HMAC + one SELECT by hash', floorB, { baseline: true, ratioTo: 'floor B' });
  // context, not targets: the same statements over the driver tokengate's hot paths use
  printResult(`floor A′: as A over postgres.js, ${PIPELINED_POOL_SIZE} connections`, floorA2, { vs: floorA, ratioTo: 'floor A' });
  printResult(`floor B′: as B over postgres.js, ${PIPELINED_POOL_SIZE} connections`, floorB2, { vs: floorB, ratioTo: 'floor B' });
  await printStatementStats(db.url);
  rows.forEach((row, i) => {
    const r = measured[i];
    const [vs, samePipelining] = row.floor === 'A' ? [floorA, floorA2] : [floorB, floorB2];
    printResult(row.name, r, {
      vs, ratioTo: `floor ${row.floor}`,
      extra: {
        targets: [{ target: `≥ 0.5× floor ${row.floor}`, met: r.rps / vs.rps >= 0.5 }, { target: `p99 ≤ ${row.p99} ms`, met: r.p99 <= row.p99 }],
        ratioToPipelinedFloor: Number((r.rps / samePipelining.rps).toFixed(4)),
      },
    });
    console.log(`${''.padEnd(52)} ${(100 * r.rps / samePipelining.rps).toFixed(0).padStart(3)}% of floor ${row.floor}′`);
  });
} finally {
  for (const stop of stops.reverse()) await stop();
}

/** Users with one HOTP token each, tokens for floor A, user tokens, devices, and a key per path with just its scope. */
async function fixtures(databaseUrl, client, bare, admin) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const seeds = Array.from({ length: USERS }, () => randomBytes(20));
    const imported = await client.rest('/token/create', { attrs: { data: seeds.map((seed, i) => `HOT-${i},${seed.toString('hex')},HOTP,6,0`).join('\n') } }, admin);
    const floorImport = await client.rest('/token/create', { attrs: { data: seeds.map((seed, i) => `FLOOR-${i},${seed.toString('hex')},HOTP,6,0`).join('\n') } }, admin);
    const { rows: [domain] } = await pool.query(`INSERT INTO domains (name, name_key) VALUES ('hot', 'hot') RETURNING id`);
    const { rows: users } = await pool.query(
      `INSERT INTO users (domain_id, login_name, login_name_key) SELECT $1, 'user' || g, 'user' || g FROM generate_series(0, $2 - 1) g RETURNING id, login_name`, [domain.id, USERS]);
    const bySuffix = (prefix) => (a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length));
    const userIds = users.sort((a, b) => bySuffix('user')(a.login_name, b.login_name)).map((u) => u.id);
    const tokenIds = imported.rows.sort((a, b) => bySuffix('HOT-')(a.serial, b.serial)).map((r) => r.id);
    await pool.query(`INSERT INTO token_assignments (token_id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [tokenIds, userIds]);

    const keyFor = async (scope) => bearer((await client.rest('/apikey/create', { attrs: { name: `hot ${scope}`, scopes: [scope] } }, admin)).key);
    const [verifyKey, userKey, deviceKey] = [await keyFor('auth:verify'), await keyFor('user:token'), await keyFor('device')];
    const owner = await client.rest('/user/create', { attrs: { domain: { id: domain.id }, loginName: 'token-owner' } }, admin);
    const userTokens = [];
    const devices = [];
    for (let w = 0; w < loadOptions.concurrency; w++) {
      userTokens.push((await client.rpc('/user/createToken', { ecosystemId: domain.id, id: owner.id, expiryType: EXPIRY }, userKey)).token);
      const { uuid, token } = await client.rpc('/device/register', { attrs: { name: `hot-${w}` } }, deviceKey);
      devices.push({ uuid, token });
    }
    const { tokens: floorTokens } = await bare.call('/setup-b', { n: loadOptions.concurrency });
    return {
      seeds, userIds, verifyKey, userKey, deviceKey, userTokens, devices, floorTokens,
      floorTokenIds: floorImport.rows.map((r) => r.id),
    };
  } finally {
    await pool.end();
  }
}
