// RADIUS Access-Request (PAP) beside /auth/verify over HTTP, in the same run, against the
// same server process (issue 26). Targets: RADIUS ≥ 0.8× the HTTP rate, RADIUS p99 ≤ 50 ms.
//
// Variants (BENCH_PIN): PIN+OTP (default; every assignment has PIN 1234, so every call pays
// one scrypt check, SPEC §4, on both protocols alike) or `BENCH_PIN=off`, the OTP alone (no
// PIN on the assignments), which shows the protocols' own cost without scrypt's.
//
// Calls never repeat an OTP. Each protocol has USERS users, each with its own HOTP token;
// call i of a protocol is user i % USERS with the code for counter ⌊i / USERS⌋. Call i + USERS
// (the same user's next code) leaves only after USERS − C later calls were sent, long after
// call i was answered, so every call should be accepted, and any reply but a success is an
// error. (Before, each side had 3000 fixed bodies and wrk cycled through them: the OTP-only
// variant, faster than 3000 calls in its 5 s, re-sent used codes, which /auth/verify rightly
// refused: those were its 1904 "HTTP errors". The RADIUS side stopped when its 3000 ran out.)
//
// Load generators, both cheap in CPU, so that the server, not the client, is measured:
// - HTTP: wrk (bench/lib/wrk.mjs: a C program, one thread, C keep-alive connections, the bodies
//   a never-repeating sequence read from a file; a reply without "verified":true is an error).
// - RADIUS: a UDP sender in this process, C lanes (one socket each, one request outstanding
//   each, so a reply is that lane's). Every Access-Request (User-Password hidden, random
//   Request Authenticator, Message-Authenticator signed) is encoded BEFORE the clock starts,
//   so during a turn the sender does one send and one receive per call and no crypto. Its
//   own CPU per call is measured (process.cpuUsage) and printed beside the server's, so its
//   share of the two cores is visible rather than assumed. Why not Debian's `radclient -p C`:
//   it reports totals only (no latency per request), so no p50/p99 could come from it; it
//   is still run after the turns (BENCH_RADCLIENT requests, default 200) as a cross-check
//   that a real client gets the same Accepts. Why not a C sender: the bench would have to
//   compile one, and the cost measured is small: on the OTP-only run ~100 µs per call against
//   wrk's ~60 µs and the server's ~350 µs, so if anything it handicaps the RADIUS side.
// Timing as every wrk bench (lib/wrk.mjs): each side BENCH_WARMUP_SECONDS (2) of warm-up, then
// BENCH_SECONDS in turns of BENCH_TURN_SECONDS (OTP alone: 1, not 5, as the two sides never run
// at the same time and on a shared machine 5 s turns put a neighbour's burst on one side only;
// PIN+OTP: 5, see TURN_SECONDS), each turn after 1 s of uncounted load, the order reversed
// every round. RADIUS latencies
// are every call's, exact; HTTP's are wrk's histogram. Both generators' CPU per call is
// printed (wrk's from this process's exited-children time).
// Per client the server runs at most TOKENGATE_RADIUS_MAX_IN_FLIGHT (32) requests at once and
// drops the rest: BENCH_CONCURRENCY above 32 shows drops (errors), by design.
//
// Usage: npm run build && flock /tmp/bench.lock node bench/radius.mjs
//   BENCH_PIN=off, BENCH_CONCURRENCY (16 in flight per side), BENCH_SECONDS, BENCH_RADCLIENT,
//   BENCH_ONLY=radius|http (one side only; with BENCH_PROFILE=<dir> the profile is that side's).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { cpuMsOf, freePort, isMain, postgresCpuBetween, postgresCpuMs, repoRoot, withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';
import { printResult } from './lib/report.mjs';
import { BodyLines, percentileMs, wrk, wrkOptions } from './lib/wrk.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const PIN = process.env.BENCH_PIN === 'off' ? '' : '1234';
// OTP alone: short turns, alternated, so the other load on the shared machine falls on both sides
// alike. PIN+OTP: calls take ~0.5 s, and the calls left in flight when a turn ends still cost the
// server their scrypt, uncounted: with 1 s turns that was half of every turn's work.
const TURN_SECONDS = Number(process.env.BENCH_TURN_SECONDS ?? (PIN ? 5 : 1));
const WARMUP_SECONDS = wrkOptions.warmupSeconds;
const TURN_WARMUP_SECONDS = Number(process.env.BENCH_TURN_WARMUP_SECONDS ?? 1);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const USERS = Number(process.env.BENCH_USERS ?? 1024); // per protocol; must be well above CONCURRENCY
const SECRET = 'bench-radius-secret-0123456789';
const ONLY = process.env.BENCH_ONLY; // 'radius' | 'http' | undefined (both)
/** Packets encoded ahead of a turn (35 µs each): for twice the best rate seen so far, and at least this many calls/s. */
const MIN_PLANNED_RATE = 2000;
const REPLY_TIMEOUT_MS = 5000;

/** User + system CPU of this process's exited children (wrk), in µs (Linux /proc, USER_HZ 100). */
function childrenCpuUs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) * 10_000;
}

/** Access-Requests made on demand before a turn, each sent once: packet i is call i. */
class RadiusSequence {
  constructor(make) {
    this.make = make;
    this.packets = [];
    this.next = 0;
    this.bestRate = 0; // calls/s of the fastest turn so far
  }

  ensure(count) {
    for (let i = this.packets.length; i < count; i++) this.packets.push(this.make(i));
  }

  /** Packets from `from` on are sent; those before it are not kept. */
  forget(from) {
    for (let i = 0; i < from; i++) this.packets[i] = undefined;
  }
}

if (isMain(import.meta.url)) {
  if (USERS < 8 * CONCURRENCY) throw new Error(`BENCH_USERS (${USERS}) must be at least 8× BENCH_CONCURRENCY (${CONCURRENCY}), or a user's next code could overtake its last`);
  const radius = (await import('radius')).default;
  const { generateHotp } = await import(`${repoRoot}/dist/src/domain/otp/index.js`);
  const { hashPassword } = await import(`${repoRoot}/dist/src/domain/crypto/password-hash.js`);
  const radiusPort = await freePort();
  const env = { TOKENGATE_RADIUS_PORT: String(radiusPort), TOKENGATE_RADIUS_HOST: '127.0.0.1', TOKENGATE_RATE_LIMIT_VERIFY: 'off' };
  // BENCH_PROFILE: the server's profile from its first RADIUS packet on (with BENCH_ONLY=radius, RADIUS alone)
  await withServers({ env, profileFrom: ONLY === 'http' ? 'verifyUserOtp' : 'decodeRequest' }, async ({ db, tg, gateway }) => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    // users 0 … USERS-1 for HTTP, USERS … 2·USERS-1 for RADIUS; tokens through the import method (sealed by the server)
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

    /** Call i of a protocol whose users start at `first`: that user and the password for it. */
    const call = (first, i) => {
      const user = first + (i % USERS);
      return { user, password: `${PIN}${generateHotp(seeds[user], Math.floor(i / USERS), { algorithm: 'SHA1', digits: 6 })}` };
    };
    const http = {
      name: `/auth/verify over HTTP (wrk), ${PIN ? 'PIN+OTP' : 'OTP alone'}`, pid: tg.pid, url: tg.url, path: '/rest/auth/verify', headers: bearer(tg.adminKey), expect: '"verified":true',
      bodies: new BodyLines({
        generate: (i) => {
          const { user, password } = call(0, i);
          return JSON.stringify({ user: { id: userIds[user] }, credential: PIN ? { pin: PIN, otp: password.slice(PIN.length) } : { otp: password } });
        },
      }),
    };
    const udp = {
      name: `RADIUS Access-Request (UDP), ${PIN ? 'PIN+OTP' : 'OTP alone'}`, pid: tg.pid, port: radiusPort,
      packets: new RadiusSequence((i) => {
        const { user, password } = call(USERS, i);
        return radius.encode({
          code: 'Access-Request', secret: SECRET, identifier: i % 256, add_message_authenticator: true,
          attributes: [['User-Name', `u${user}@bench`], ['User-Password', password], ['NAS-Identifier', 'bench']],
        });
      }),
    };
    const sides = ONLY === 'radius' ? [udp] : ONLY === 'http' ? [http] : [http, udp];
    const results = await measure(sides);

    console.log(`${PIN ? 'PIN+OTP (HOTP, scrypt PIN)' : 'OTP alone (HOTP, no PIN)'}, ${CONCURRENCY} in flight per side, ${USERS} users per side, `
      + `${SECONDS} s per side in ${TURN_SECONDS} s turns after ${WARMUP_SECONDS} s warm-up, synchronous_commit=${db.syncCommit}`);
    const httpResult = sides.includes(http) ? results[sides.indexOf(http)] : undefined;
    const udpResult = sides.includes(udp) ? results[sides.indexOf(udp)] : undefined;
    const generator = (r) => ({ generatorCpuUsPerCall: Math.round(r.generatorCpuUsPerCall) });
    if (httpResult) {
      printResult(http.name, httpResult, { baseline: Boolean(udpResult), ratioTo: 'HTTP /auth/verify', extra: generator(httpResult) });
      console.log(`    wrk itself: ${httpResult.generatorCpuUsPerCall.toFixed(0)} µs CPU per call`);
    }
    if (udpResult) {
      // failed calls (on either side) void both targets: the figures are not those of the work
      const clean = udpResult.errors === 0 && !httpResult?.errors;
      const p99 = { target: 'p99 ≤ 50 ms', met: clean && udpResult.p99 <= 50 };
      const targets = [...(httpResult ? [{ target: '≥ 0.8× HTTP', met: clean && udpResult.rps / httpResult.rps >= 0.8 }] : []), p99];
      printResult(udp.name, udpResult, {
        vs: httpResult, ratioTo: 'HTTP /auth/verify', extra: { targets, ...generator(udpResult) },
      });
      console.log(`    the UDP sender itself: ${udpResult.generatorCpuUsPerCall.toFixed(0)} µs CPU per call`);
      if (PIN && !p99.met && udpResult.cpuUsPerCall) {
        // what the scrypt PIN alone implies: C calls queued on 2 cores, each ~cpuUsPerCall of CPU
        const floorMs = (CONCURRENCY * udpResult.cpuUsPerCall) / 2 / 1000;
        console.log(`    with ${CONCURRENCY} calls in flight and ${(udpResult.cpuUsPerCall / 1000).toFixed(1)} ms of server CPU each (the scrypt PIN, SPEC §4), `
          + `2 idle cores give every call a wait of about ${floorMs.toFixed(0)} ms: p99 ≤ 50 ms needs at most ${Math.max(1, Math.floor((2 * 50_000) / udpResult.cpuUsPerCall))} in flight`);
      }
      await crossCheckWithRadclient(udp, radius);
    }
  });
}

/**
 * Warm-up, then turns in alternating order (as lib/wrk.mjs runTurns does for wrk-only
 * benches); per side: calls, calls/s, p50, p99, errors, server and PostgreSQL CPU per call.
 */
async function measure(sides) {
  const run = async (side, seconds) => {
    if (side.packets) return sendUdp(side, seconds);
    const before = childrenCpuUs();
    const r = await wrk(side, seconds, { connections: CONCURRENCY });
    return { ...r, generatorCpuUs: childrenCpuUs() - before }; // wrk's CPU, counted once it has exited
  };
  for (const side of sides) if (WARMUP_SECONDS > 0) await run(side, WARMUP_SECONDS);
  const acc = sides.map(() => ({ requests: 0, seconds: 0, errors: 0, cpuMs: 0, dbCpuMs: 0, generatorCpuUs: 0, hist: [], failures: new Map() }));
  const turns = Math.max(1, Math.round(SECONDS / TURN_SECONDS));
  for (let turn = 0; turn < turns; turn++) {
    const order = sides.map((_, i) => i);
    if (turn % 2 === 1) order.reverse();
    for (const i of order) {
      const a = acc[i];
      if (TURN_WARMUP_SECONDS > 0) await run(sides[i], TURN_WARMUP_SECONDS);
      const cpuBefore = cpuMsOf(sides[i].pid);
      const dbBefore = postgresCpuMs();
      const r = await run(sides[i], Math.max(1, Math.round(SECONDS / turns))); // wrk takes whole seconds
      a.cpuMs += cpuMsOf(sides[i].pid) - cpuBefore;
      a.dbCpuMs += postgresCpuBetween(dbBefore, postgresCpuMs());
      a.requests += r.requests;
      a.seconds += r.seconds;
      a.errors += r.errors;
      a.generatorCpuUs += r.generatorCpuUs ?? 0;
      a.hist.push(...r.hist);
      for (const [reason, n] of Object.entries(r.failures)) a.failures.set(reason, (a.failures.get(reason) ?? 0) + n);
    }
  }
  return acc.map((a) => ({
    calls: a.requests, rps: a.requests / a.seconds, p50: percentileMs(a.hist, 50), p99: percentileMs(a.hist, 99),
    errors: a.errors, failures: a.failures, generatorCpuUsPerCall: a.generatorCpuUs / a.requests,
    ...(a.cpuMs > 0 ? { cpuUsPerCall: (1000 * a.cpuMs) / a.requests } : {}),
    ...(a.dbCpuMs > 0 ? { dbCpuUsPerCall: (1000 * a.dbCpuMs) / a.requests } : {}),
  }));
}

/**
 * One turn of `seconds`: CONCURRENCY lanes, each a UDP socket with one request outstanding
 * at a time (its reply is the next datagram on that socket), sending the sequence's next
 * packet as soon as the last is answered. At the end the calls in flight are abandoned, as
 * wrk abandons its own (the server still does their work after the turn, on both sides alike).
 * Returns the figures in lib/wrk.mjs's shape: the latencies as [µs, count] pairs, and the
 * sender's own CPU.
 */
async function sendUdp(side, seconds) {
  const seq = side.packets;
  seq.forget(seq.next);
  seq.ensure(seq.next + Math.ceil(Math.max(MIN_PLANNED_RATE, 2 * seq.bestRate) * (seconds + 1))); // before the clock
  const limit = seq.packets.length;
  const latencies = new Map(); // µs → count
  const failures = { 'not Access-Accept': 0, 'no reply in 5 s': 0, 'packets used up (raise MIN_PLANNED_RATE)': 0 };
  let answered = 0;
  const sockets = await Promise.all(Array.from({ length: CONCURRENCY }, () => new Promise((resolve) => {
    // connected: send() takes no address (no look-up per packet) and only the server's datagrams come in
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => socket.connect(side.port, '127.0.0.1', () => resolve(socket)));
  })));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const finishers = [];
  // at the end, as wrk -d does: the calls in flight are left unanswered and uncounted
  const end = setTimeout(() => finishers.forEach((finish) => finish()), seconds * 1000);
  await Promise.all(sockets.map((socket) => new Promise((resolve) => {
    let sentAt = 0;
    let identifier = -1; // of the request outstanding
    let timer;
    let done = false;
    const sendNext = () => {
      if (done) return;
      if (seq.next >= limit) { failures['packets used up (raise MIN_PLANNED_RATE)']++; return finish(); }
      const packet = seq.packets[seq.next++];
      identifier = packet[1];
      sentAt = performance.now();
      socket.send(packet);
    };
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(timer);
      socket.close();
      resolve(undefined);
    };
    finishers.push(finish);
    socket.on('message', (reply) => {
      if (done || reply[1] !== identifier) return; // a late reply to a request already given up on
      identifier = -1;
      const us = Math.round((performance.now() - sentAt) * 1000);
      latencies.set(us, (latencies.get(us) ?? 0) + 1);
      answered++;
      if (reply[0] !== 2) failures['not Access-Accept']++;
      sendNext();
    });
    // one timer per lane, not per request: a request unanswered for 5 s is counted and replaced
    timer = setInterval(() => {
      if (performance.now() - sentAt < REPLY_TIMEOUT_MS) return;
      failures['no reply in 5 s']++;
      sendNext();
    }, 250);
    sendNext();
  })));
  clearTimeout(end);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  seq.bestRate = Math.max(seq.bestRate, answered / elapsed);
  return {
    requests: answered, seconds: elapsed, hist: [...latencies],
    errors: Object.values(failures).reduce((n, k) => n + k, 0),
    failures: Object.fromEntries(Object.entries(failures).filter(([, n]) => n > 0)),
    generatorCpuUs: cpu.user + cpu.system,
  };
}

/**
 * Debian's radclient, `-p C`, sends the next BENCH_RADCLIENT calls of the RADIUS sequence:
 * a real client must get the same Accepts (its rate includes its own start).
 */
async function crossCheckWithRadclient(udp, radius) {
  const count = Number(process.env.BENCH_RADCLIENT ?? 200);
  if (count <= 0) return;
  const seq = udp.packets;
  seq.ensure(seq.next + count);
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-bench-radius-'));
  try {
    // the same calls, decoded back into radclient's input (User-Password in the clear, in radclient's file only)
    const lines = seq.packets.slice(seq.next, seq.next + count).map((packet) => {
      const { attributes } = radius.decode({ packet, secret: SECRET });
      return `User-Name = "${attributes['User-Name']}"\nUser-Password = "${attributes['User-Password']}"\nMessage-Authenticator = 0x00\n`;
    });
    seq.next += count;
    writeFileSync(join(dir, 'requests'), lines.join('\n'));
    const started = performance.now();
    const out = await new Promise((resolve) => {
      execFile('radclient', ['-q', '-s', '-p', String(CONCURRENCY), '-r', '1', '-t', '5', '-f', join(dir, 'requests'), `127.0.0.1:${udp.port}`, 'auth', SECRET],
        (err, stdout, stderr) => resolve(err && /ENOENT/.test(err.message) ? 'radclient not found (apt-get install -y freeradius-utils)' : `${stdout}${stderr}`));
    });
    const seconds = (performance.now() - started) / 1000;
    const accepted = Number(/Accepted\s*:\s*(\d+)/.exec(out)?.[1] ?? NaN);
    console.log(`radclient -p ${CONCURRENCY} (cross-check): ${count} requests in ${seconds.toFixed(2)} s = ${(count / seconds).toFixed(0)} calls/s, accepted ${accepted}`
      + `${accepted === count ? '' : `  NOT all accepted:\n${out.trim()}`}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
