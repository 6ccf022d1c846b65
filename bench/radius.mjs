// RADIUS Access-Request (PAP, PIN+OTP) beside /auth/verify over HTTP, in the same run,
// against the same server process (issue 26). Target: RADIUS ≥ 0.8× the HTTP rate, p99 ≤ 50 ms.
//
// Load generators, both cheap in CPU so the server, not the client, is measured:
// - HTTP: wrk (C, one thread) with a Lua script walking a precomputed list of bodies.
// - RADIUS: a small UDP sender in this process. Every Access-Request (User-Password
//   hidden, Message-Authenticator signed) is encoded BEFORE the clock starts, so during the
//   run it only does socket.send and a map lookup per packet; it keeps C requests
//   outstanding and times each one, which radclient cannot (radclient -p N gives a rate
//   but no latencies). `radclient -p C -f FILE` is run too, as a rate cross-check with
//   Debian's client.
// Each request is a different user with its own HOTP token and PIN 1234, so no request
// is a replay and none waits on another user's counter. Every call pays one scrypt (the
// PIN, SPEC §4), on both protocols alike.
// Usage: npm run build && BENCH_SECONDS=5 node bench/radius.mjs   (BENCH_PIN=off, BENCH_CONCURRENCY, BENCH_RADCLIENT requests)
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort, isMain, repoRoot, withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const USERS = Number(process.env.BENCH_USERS ?? 3000); // per protocol: more than a run can use
const SECRET = 'bench-radius-secret-0123456789';
// BENCH_PIN=off: tokens without a PIN (the OTP alone), to see the protocol's own cost without scrypt's
const PIN = process.env.BENCH_PIN === 'off' ? '' : '1234';

if (isMain(import.meta.url)) {
  const radius = (await import('radius')).default;
  const { generateHotp } = await import(`${repoRoot}/dist/src/domain/otp/index.js`);
  const { hashPassword } = await import(`${repoRoot}/dist/src/domain/crypto/password-hash.js`);
  const radiusPort = await freePort();
  await withServers({ env: { TOKENGATE_RADIUS_PORT: String(radiusPort), TOKENGATE_RADIUS_HOST: '127.0.0.1', TOKENGATE_RATE_LIMIT_VERIFY: 'off' } }, async ({ db, tg, gateway }) => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const seeds = Array.from({ length: 2 * USERS }, () => randomBytes(20));
    const imported = await gateway.rest('/token/create', { attrs: { data: seeds.map((seed, i) => `RB-${i},${seed.toString('hex')},HOTP,6,0`).join('\n') } }, bearer(tg.adminKey));
    const { rows: [domain] } = await pool.query(`INSERT INTO domains (name, name_key) VALUES ('bench', 'bench') RETURNING id`);
    const { rows: users } = await pool.query(
      `INSERT INTO users (domain_id, login_name, login_name_key) SELECT $1, 'u' || g, 'u' || g FROM generate_series(0, $2 - 1) g RETURNING id, login_name`, [domain.id, 2 * USERS]);
    const byIndex = (rows, key, prefix) => rows.sort((a, b) => Number(a[key].slice(prefix)) - Number(b[key].slice(prefix)));
    const userIds = byIndex(users, 'login_name', 1).map((u) => u.id);
    const tokenIds = byIndex(imported.rows, 'serial', 3).map((r) => r.id);
    const pinHash = PIN ? await hashPassword(PIN) : null; // one scrypt hash, as /token/assign stores it, shared by every assignment
    await pool.query(`INSERT INTO token_assignments (token_id, user_id, pin_hash) SELECT t, u, $3 FROM unnest($1::uuid[], $2::uuid[]) AS x(t, u)`, [tokenIds, userIds, pinHash]);
    await pool.query(`DELETE FROM radius_clients`);
    await gateway.rest('/radiusClient/create', { attrs: { name: 'bench', address: '127.0.0.1', secret: SECRET } }, bearer(tg.adminKey));
    await pool.end();
    const otp = (i) => generateHotp(seeds[i], 0, { algorithm: 'SHA1', digits: 6 });

    // HTTP: users 0 … USERS-1
    const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-radius-'));
    const bodies = Array.from({ length: USERS }, (_, i) => JSON.stringify({ user: { id: userIds[i] }, credential: { ...(PIN ? { pin: PIN } : {}), otp: otp(i) } }));
    writeFileSync(join(dir, 'verify.lua'), `
      local bodies = { ${bodies.map((b) => `[==[${b}]==]`).join(',\n')} }
      local i = 0
      wrk.method = "POST"
      wrk.headers["content-type"] = "application/json"
      wrk.headers["authorization"] = "Bearer ${tg.adminKey}"
      request = function() i = i + 1; return wrk.format(nil, "/rest/auth/verify", nil, bodies[((i - 1) % #bodies) + 1]) end
      done = function(summary, latency, requests)
        io.write(string.format("WRK %d %f %f %f %d\\n", summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3, summary.errors.status))
      end`);
    const wrk = await promisify(execFile)('wrk', ['-t1', `-c${CONCURRENCY}`, `-d${SECONDS}s`, '-s', join(dir, 'verify.lua'), tg.url], { maxBuffer: 1 << 24 });
    const [requests, duration, p50, p99, non2xx] = (/WRK (\S+) (\S+) (\S+) (\S+) (\S+)/.exec(wrk.stdout) ?? []).slice(1).map(Number);
    const http = { rps: requests / duration, p50, p99, errors: non2xx, requests };

    // RADIUS: users USERS … 2·USERS-1, packets made before the clock starts
    const packets = Array.from({ length: USERS }, (_, k) => radius.encode({
      code: 'Access-Request', secret: SECRET, identifier: k % 256, add_message_authenticator: true,
      attributes: [['User-Name', `u${USERS + k}@bench`], ['User-Password', `${PIN}${otp(USERS + k)}`], ['NAS-Identifier', 'bench']],
    }));
    const udp = await sendUdp(packets, radiusPort);

    // radclient -p as a cross-check of the rate (users not used above: the tail of the RADIUS set)
    const tail = Array.from({ length: Math.min(Number(process.env.BENCH_RADCLIENT ?? 200), USERS - udp.sent) }, (_, j) => USERS + udp.sent + j);
    writeFileSync(join(dir, 'requests'), tail.map((i) => `User-Name = "u${i}@bench"\nUser-Password = "${PIN}${otp(i)}"\nMessage-Authenticator = 0x00\n`).join('\n'));
    const started = performance.now();
    const rc = await runRadclient(['-q', '-s', '-p', String(CONCURRENCY), '-r', '1', '-t', '5', '-f', join(dir, 'requests'), `127.0.0.1:${radiusPort}`, 'auth', SECRET]);
    const rcSeconds = (performance.now() - started) / 1000;
    const accepted = Number(/Accepted\s*:\s*(\d+)/.exec(rc)?.[1] ?? NaN);
    rmSync(dir, { recursive: true, force: true });

    const line = (name, r) => console.log(`${name.padEnd(44)} ${r.rps.toFixed(0).padStart(6)} calls/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  errors ${r.errors}`);
    console.log(`${PIN ? 'PIN+OTP (HOTP, scrypt PIN)' : 'OTP alone (HOTP, no PIN)'}, ${CONCURRENCY} in flight, ${SECONDS} s each`);
    line('/auth/verify over HTTP (wrk)', http);
    line('RADIUS Access-Request (pre-encoded UDP)', udp);
    console.log(`radclient -p ${CONCURRENCY}: ${tail.length} requests in ${rcSeconds.toFixed(2)} s = ${(tail.length / rcSeconds).toFixed(0)} req/s (accepted ${accepted}; includes radclient's start)`);
    const ratio = udp.rps / http.rps;
    console.log(`RADIUS / HTTP = ${ratio.toFixed(2)} (target ≥ 0.8: ${ratio >= 0.8 ? 'met' : 'NOT met'}); RADIUS p99 ${udp.p99.toFixed(1)} ms (target ≤ 50: ${udp.p99 <= 50 ? 'met' : 'NOT met'})`);
    console.log(`RESULT ${JSON.stringify({ name: 'radius', http, radius: udp, radclient: { requests: tail.length, seconds: rcSeconds, accepted }, ratio })}`);
  });
}

/**
 * CONCURRENCY lanes, each a UDP socket with one request outstanding at a time (so the
 * Identifier, signed into the Message-Authenticator when encoded, never needs changing);
 * for SECONDS, each reply's latency recorded.
 */
async function sendUdp(packets, port) {
  const latencies = [];
  let next = 0;
  let errors = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const lane = async () => {
    const socket = createSocket('udp4');
    await new Promise((r) => socket.bind(0, '127.0.0.1', () => r(undefined)));
    while (next < packets.length && performance.now() < deadline) {
      const packet = packets[next++];
      const at = performance.now();
      const reply = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), 5000);
        socket.once('message', (m) => { clearTimeout(timer); resolve(m); });
        socket.send(packet, port, '127.0.0.1');
      });
      latencies.push(performance.now() - at);
      if (reply?.[0] !== 2) errors++;
    }
    socket.close();
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
  return { rps: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), errors, sent: next };
}

function runRadclient(args) {
  return new Promise((resolve) => {
    const child = spawn('radclient', args);
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    child.on('close', () => resolve(out));
  });
}
