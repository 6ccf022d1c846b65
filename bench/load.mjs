#!/usr/bin/env node
// Load test: 64 keep-alive connections for 60 s against a mix of methods on the legacy
// route, reads and writes, every call expected to succeed. Prints per-method and total
// numbers; exits 1 when any call failed.
//
//   npm run build && node bench/load.mjs [seconds]      (LOAD_CONCURRENCY=64)
//
// Fixtures are made through the API first: a domain, one user per connection each
// holding an imported HOTP token whose seed this script knows (so /auth/verify gets a
// fresh, valid OTP on every call), a user access token, a device. A method that does
// not answer its probe with success is left out of the mix, and the output says so.
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import { startPostgres, startTokengate } from './lib/harness.mjs';
import { resultLine } from './lib/report.mjs';

const SECONDS = Number(process.argv[2] ?? process.env.LOAD_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 64);
const WARMUP_MS = 2000;

const db = await startPostgres();
const tg = await startTokengate(db.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
try {
  const workers = await makeFixtures();
  const mix = await probe(workers[0]);
  console.log(`load: ${CONCURRENCY} connections, ${SECONDS} s (+${WARMUP_MS / 1000} s warm-up), mix of ${mix.length}: ${mix.map((m) => m.name).join(', ')}`);
  const stats = await run(mix, workers);
  report(stats);
  if (stats.total.errors > 0) process.exitCode = 1;
} finally {
  agent.destroy();
  await tg.stop();
  await db.stop();
}

/** POST /rest<method> with the admin key → {status, body}. */
function call(method, params) {
  const payload = Buffer.from(JSON.stringify(params));
  const url = new URL(tg.url);
  return new Promise((resolve) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: `/rest${method}`, method: 'POST', agent,
      headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${tg.adminKey}` },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        let body = null;
        try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* not JSON */ }
        resolve({ status: res.statusCode, body });
      });
    });
    req.on('error', (err) => resolve({ status: 0, body: { name: err.code ?? 'NETWORK' } }));
    req.end(payload);
  });
}

async function must(method, params) {
  const r = await call(method, params);
  if (r.status !== 200) throw new Error(`fixture ${method} failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.result;
}

/** Per connection: a user holding an HOTP token with a known seed; shared: a domain, a user token, a device. */
async function makeFixtures() {
  const domain = await must('/domain/create', { attrs: { name: 'load', description: 'load test' } });
  const seeds = Array.from({ length: CONCURRENCY }, () => randomBytes(20).toString('hex'));
  const serial = (i) => `LOAD${String(i).padStart(5, '0')}`;
  await must('/token/create', {
    attrs: { product: { manufacturerCode: 'OATH', productCode: 'HOTP' }, format: 'oath-csv', data: seeds.map((s, i) => `${serial(i)},${s},HOTP,6,0`).join('\n') },
  });
  const users = await Promise.all(seeds.map(async (_, i) => {
    const { id } = await must('/user/create', { attrs: { domain: { name: 'load' }, loginName: `load${i}` } });
    await must('/token/assign', { token: { serial: serial(i) }, user: { id } });
    return id;
  }));
  const { token: userToken } = await must('/user/createToken', { ecosystemId: domain.id, id: users[0], expiryType: 'SlidingTtl', ttl: 3600 });
  const device = await must('/device/register', { attrs: { name: 'load' } });
  return seeds.map((seed, i) => ({
    domainId: domain.id, userId: users[i], serial: serial(i), seed, counter: 1, userToken, device,
  }));
}

/** Each entry makes the params of its next call for one connection's state. */
function candidates() {
  return [
    { name: '/domain/get', params: (w) => ({ id: w.domainId }) },
    { name: '/user/get', params: (w) => ({ id: w.userId }) },
    { name: '/token/get', params: (w) => ({ token: { serial: w.serial } }) },
    { name: '/apikey/search', params: () => ({ limit: 10 }) },
    { name: '/audit/search', params: () => ({ match: [['time', '>', new Date(Date.now() - 1000).toISOString()]], limit: 10 }) },
    { name: '/auth/verify', params: (w) => ({ user: { id: w.userId }, credential: { otp: hotp(w.seed, w.counter++) } }) },
    { name: '/user/verifyToken', params: (w) => ({ token: w.userToken }) },
    { name: '/user/createToken', params: (w) => ({ ecosystemId: w.domainId, id: w.userId, expiryType: 'FixedTtl', ttl: 60 }) },
    { name: '/device/verifyToken', params: (w) => ({ uuid: w.device.uuid, token: w.device.token }) },
  ];
}

async function probe(worker) {
  const mix = [];
  for (const c of candidates()) {
    const r = await call(c.name, c.params(worker));
    if (r.status === 200) mix.push(c);
    else console.log(`left out ${c.name}: ${r.status} ${r.body?.name ?? ''}`);
  }
  return mix;
}

async function run(mix, workers) {
  const perMethod = new Map(mix.map((m) => [m.name, { latencies: [], errors: 0 }]));
  const failures = new Map();
  const started = Date.now();
  const recordFrom = started + WARMUP_MS;
  const end = recordFrom + SECONDS * 1000;
  await Promise.all(workers.map(async (w, i) => {
    for (let n = i; Date.now() < end; n++) {
      const m = mix[n % mix.length];
      const t0 = performance.now();
      const r = await call(m.name, m.params(w));
      const ms = performance.now() - t0;
      if (Date.now() < recordFrom) continue;
      const s = perMethod.get(m.name);
      s.latencies.push(ms);
      if (r.status !== 200) {
        s.errors++;
        const key = `${m.name} ${r.status} ${r.body?.name ?? ''}`;
        failures.set(key, (failures.get(key) ?? 0) + 1);
      }
    }
  }));
  const seconds = (Date.now() - recordFrom) / 1000;
  const summarize = (latencies, errors) => {
    latencies.sort((a, b) => a - b);
    const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
    return { calls: latencies.length, rps: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), errors };
  };
  const methods = [...perMethod].map(([name, s]) => ({ name, ...summarize(s.latencies, s.errors) }));
  const all = [...perMethod.values()];
  const total = summarize(all.flatMap((s) => s.latencies), all.reduce((n, s) => n + s.errors, 0));
  return { methods, total, failures, seconds };
}

function report({ methods, total, failures, seconds }) {
  const row = (name, r) => `${name.padEnd(22)} ${String(r.calls).padStart(8)} calls ${r.rps.toFixed(0).padStart(6)} calls/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  errors ${r.errors}`;
  for (const m of methods) {
    console.log(row(m.name, m));
    console.log(resultLine(`load mix: ${m.name}`, m, undefined, { calls: m.calls }));
  }
  console.log(row('total', total));
  console.log(resultLine(`load mix total (${CONCURRENCY} conns, ${seconds.toFixed(0)} s)`, total, undefined, { calls: total.calls }));
  for (const [what, n] of failures) console.log(`FAILED ${n}× ${what}`);
  console.log(total.errors === 0 ? 'zero errors' : `${total.errors} errors`);
}

/** RFC 4226 HOTP, 6 digits, SHA-1. */
function hotp(seedHex, counter) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', Buffer.from(seedHex, 'hex')).update(message).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
