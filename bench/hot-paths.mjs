// The hot paths against their physical floors (issues 13 and 25), in ONE run, loaded by wrk
// (`wrk -t1 -c64`, bench/lib/wrk.mjs), never by a node client on the same cores:
//   floor A  bare node:http + pg, one `UPDATE tokens SET counter = counter + 1 WHERE id = $1 RETURNING counter` per call
//   floor B  bare node:http + pg, HMAC-SHA-256 of the token in node, one `SELECT … FROM user_tokens WHERE token_hash = $1`
// (bench/lib/floor-app.mjs), and tokengate's /auth/verify (HOTP, success) against floor A,
// /user/verifyToken and /device/verifyToken against floor B, each with one server process,
// with `serve --workers 2` and with no credential cache, as calls/s, p50, p99 and ratio to the floor.
// Targets: /auth/verify ≥ 0.5× floor A with p99 ≤ 50 ms; verifyToken ≥ 0.5× floor B with p99 ≤ 30 ms.
// Every tokengate call authenticates with an API key (from the credential cache of SPEC §9;
// the "no credential cache" rows run a third server with TOKENGATE_CREDENTIAL_CACHE_SIZE=0,
// which looks it up per call) and writes its audit row (group commit), over JSON-RPC (/rpc).
// Every call must succeed, or it counts as an error: each /auth/verify body is a fresh
// (user, OTP) pair (wrk's request() reads them from a file node writes: line i is user
// i % USERS with the code for counter i / USERS, so counters only move forward whichever
// process serves the call); verifyToken replies must say "active":true / "valid":true.
// The driver comparison of the same floor statements is bench/drivers.mjs.
// Usage: npm run build && node bench/hot-paths.mjs   (BENCH_SECONDS per row, BENCH_TURN_SECONDS,
//        BENCH_CONCURRENCY, BENCH_EXPIRY=SlidingTtl|FixedTtl|Infinite for the user tokens,
//        BENCH_PROFILE=<dir> to print where the single server's CPU time goes,
//        BENCH_STATEMENTS=1 for the database's time by statement, BENCH_ONLY=verify,user,device
//        to measure only those paths' rows beside the floors)
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { printStatementStats, repoRoot, startFloor, startPostgres, startTokengate } from './lib/harness.mjs';
import { bearer, httpClient } from './lib/http-client.mjs';
import { printProfile } from './lib/profile.mjs';
import { printResult } from './lib/report.mjs';
import { BodyLines, runTurns, textTable, wrkOptions } from './lib/wrk.mjs';

const USERS = 1024;
const TOKENS = 256; // user tokens and devices each path cycles through (4× the connections: no row is hit twice at once)
const EXPIRY = process.env.BENCH_EXPIRY ?? 'SlidingTtl';
const only = process.env.BENCH_ONLY?.split(',');
const { generateHotp } = await import(`${repoRoot}/dist/src/domain/otp/index.js`);

const stops = [];
try {
  const db = await startPostgres();
  stops.push(() => db.stop());
  // the servers share the master key (seeds, pepper) and find the admin key already there
  const env = { TOKENGATE_MASTER_KEY: randomBytes(32).toString('base64'), TOKENGATE_ADMIN_KEY: `tgk_${randomBytes(32).toString('base64url')}` };
  const single = await startTokengate(db.url, env);
  stops.push(async () => { await single.stop(); printProfile(single.pid, { from: 'invoke' }); });
  const cluster = await startTokengate(db.url, env, { workers: 2 });
  stops.push(() => cluster.stop());
  // the same single process without the credential cache (SPEC §9): the caller looked up per call
  const uncached = await startTokengate(db.url, { ...env, TOKENGATE_CREDENTIAL_CACHE_SIZE: '0' });
  stops.push(() => uncached.stop());
  const floor = await startFloor(db.url);
  stops.push(async () => { await floor.stop(); printProfile(floor.pid); }); // beside tokengate's, what a call cannot do with less
  const [setup, bare] = [httpClient(single.url), httpClient(floor.url)];
  stops.push(() => { setup.close(); bare.close(); });

  const fx = await fixtures(db.url, setup, bare, bearer(env.TOKENGATE_ADMIN_KEY));
  const rpc = (method, params) => JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  // one sequence for all three servers (one database): no (user, counter) is ever sent twice
  const verifyBodies = new BodyLines({
    generate: (i) => rpc('/auth/verify', { user: { id: fx.userIds[i % USERS] }, credential: { otp: generateHotp(fx.seeds[i % USERS], Math.floor(i / USERS), { algorithm: 'SHA1', digits: 6 }) } }),
  });
  const userBodies = new BodyLines({ lines: fx.userTokens.map((token) => rpc('/user/verifyToken', { token })) });
  const deviceBodies = new BodyLines({ lines: fx.devices.map((d) => rpc('/device/verifyToken', d)) });
  const paths = (server) => ({
    verify: { url: server.url, path: '/rpc', headers: fx.verifyKey, bodies: verifyBodies, expect: '"verified":true' },
    user: { url: server.url, path: '/rpc', headers: fx.userKey, bodies: userBodies, expect: '"active":true' },
    device: { url: server.url, path: '/rpc', headers: fx.deviceKey, bodies: deviceBodies, expect: '"valid":true' },
  });
  const [p1, p2, p3] = [paths(single), paths(cluster), paths(uncached)];
  // name, the call, the floor it is measured against and its p99 target; BENCH_ONLY=verify,user,device keeps those paths' rows
  const rows = [
    { name: '/auth/verify (HOTP success)', variant: { pid: single.pid, ...p1.verify }, floor: 'A', p99: 50, path: 'verify' },
    { name: '/user/verifyToken', variant: { pid: single.pid, ...p1.user }, floor: 'B', p99: 30, path: 'user' },
    { name: '/device/verifyToken', variant: { pid: single.pid, ...p1.device }, floor: 'B', p99: 30, path: 'device' },
    { name: '/auth/verify (HOTP success), --workers 2', variant: p2.verify, floor: 'A', p99: 50, path: 'verify' },
    { name: '/user/verifyToken, --workers 2', variant: p2.user, floor: 'B', p99: 30, path: 'user' },
    { name: '/device/verifyToken, --workers 2', variant: p2.device, floor: 'B', p99: 30, path: 'device' },
    { name: '/auth/verify (HOTP success), no credential cache', variant: { pid: uncached.pid, ...p3.verify }, floor: 'A', p99: 50, path: 'verify' },
    { name: '/user/verifyToken, no credential cache', variant: { pid: uncached.pid, ...p3.user }, floor: 'B', p99: 30, path: 'user' },
    { name: '/device/verifyToken, no credential cache', variant: { pid: uncached.pid, ...p3.device }, floor: 'B', p99: 30, path: 'device' },
  ].filter((row) => !only || only.includes(row.path));
  const [floorA, floorB, ...measured] = await runTurns([
    { name: 'floor A', pid: floor.pid, url: floor.url, path: '/floor-a', bodies: new BodyLines({ lines: fx.floorTokenIds.map((id) => JSON.stringify({ id })) }), expect: '"counter":' },
    { name: 'floor B', pid: floor.pid, url: floor.url, path: '/floor-b', bodies: new BodyLines({ lines: fx.floorTokens.map((token) => JSON.stringify({ token })) }), expect: '"active":true' },
    ...rows.map((row) => ({ name: row.name, ...row.variant })),
  ]);
  const { connections, seconds, turnSeconds } = wrkOptions;
  console.log(`hot paths vs their floors: wrk -t1 -c${connections}, ${seconds} s per row in ${turnSeconds} s turns (order reversed each round), synchronous_commit=${db.syncCommit}, user tokens ${EXPIRY}`);
  printResult('floor A: node:http + pg, one UPDATE … counter + 1', floorA, { baseline: true, ratioTo: 'floor A' });
  printResult('floor B: node:http + pg, HMAC + one SELECT by hash', floorB, { baseline: true, ratioTo: 'floor B' });
  await printStatementStats(db.url);
  const table = [
    ['floor A: one UPDATE … counter + 1 over pg', floorA, null, ''],
    ['floor B: HMAC + one SELECT by hash over pg', floorB, null, ''],
  ];
  rows.forEach((row, i) => {
    const r = measured[i];
    const vs = row.floor === 'A' ? floorA : floorB;
    // a row (or its floor) with failed calls meets nothing: its rate is not the rate of the work
    const clean = r.errors === 0 && vs.errors === 0;
    const targets = [{ target: `≥ 0.5× floor ${row.floor}`, met: clean && r.rps / vs.rps >= 0.5 }, { target: `p99 ≤ ${row.p99} ms`, met: clean && r.p99 <= row.p99 }];
    printResult(row.name, r, { vs, ratioTo: `floor ${row.floor}`, extra: { targets } });
    table.push([row.name, r, `${(r.rps / vs.rps).toFixed(2)}× ${row.floor}`, targets.map((t) => `${t.target}: ${t.met ? 'met' : 'NOT met'}`).join('; ')]);
  });
  const fmt = (n, d) => (n === undefined || !Number.isFinite(n) ? '' : n.toFixed(d));
  console.log(`\n${textTable(['row', 'calls/s', 'p50 ms', 'p99 ms', 'server CPU µs/call', 'PostgreSQL CPU µs/call', 'errors', 'ratio', 'target'],
    table.map(([name, r, ratio, target]) => [name, fmt(r.rps, 0), fmt(r.p50, 2), fmt(r.p99, 2), fmt(r.cpuUsPerCall, 0), fmt(r.dbCpuUsPerCall, 0), r.errors, ratio ?? 'baseline', target]))}`);
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
    for (let w = 0; w < TOKENS; w++) {
      userTokens.push((await client.rpc('/user/createToken', { ecosystemId: domain.id, id: owner.id, expiryType: EXPIRY }, userKey)).token);
      const { uuid, token } = await client.rpc('/device/register', { attrs: { name: `hot-${w}` } }, deviceKey);
      devices.push({ uuid, token });
    }
    const { tokens: floorTokens } = await bare.call('/setup-b', { n: TOKENS });
    return {
      seeds, userIds, verifyKey, userKey, deviceKey, userTokens, devices, floorTokens,
      floorTokenIds: floorImport.rows.map((r) => r.id),
    };
  } finally {
    await pool.end();
  }
}
