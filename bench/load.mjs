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
import { randomBytes } from 'node:crypto';
import { repoRoot, withServers } from './lib/harness.mjs';
import { bearer } from './lib/http-client.mjs';
import { closedLoop, Recorder, timed } from './lib/load.mjs';
import { printResult } from './lib/report.mjs';

const SECONDS = Number(process.argv[2] ?? process.env.LOAD_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 64);
const WARMUP_SECONDS = 2;
const { generateHotp } = await import(`${repoRoot}/dist/src/domain/otp/index.js`);

let tg;
let client;
const call = (method, params) => client.post(`/rest${method}`, params, bearer(tg.adminKey));
await withServers({}, async (servers) => {
  ({ tg, gateway: client } = servers);
  const workers = await makeFixtures();
  const mix = await probe(workers[0]);
  console.log(`load: ${CONCURRENCY} connections, ${SECONDS} s (+${WARMUP_SECONDS} s warm-up), mix of ${mix.length}: ${mix.map((m) => m.name).join(', ')}`);
  const stats = await run(mix, workers);
  report(stats);
  if (stats.total.errors > 0) process.exitCode = 1;
});

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
    { name: '/auth/verify', params: (w) => ({ user: { id: w.userId }, credential: { otp: generateHotp(Buffer.from(w.seed, 'hex'), w.counter++, { algorithm: 'SHA1', digits: 6 }) } }) },
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

/** Each connection walks the mix from its own offset; every call's latency goes to its method's recorder. */
async function run(mix, workers) {
  const steps = workers.map((_, i) => i);
  const next = (w) => mix[steps[w]++ % mix.length];
  const warmup = new Recorder();
  const step = (recorderOf) => (w) => {
    const m = next(w);
    return timed(recorderOf(m), () => client.rest(m.name, m.params(workers[w]), bearer(tg.adminKey)));
  };
  await closedLoop(CONCURRENCY, WARMUP_SECONDS, step(() => warmup));
  const perMethod = new Map(mix.map((m) => [m.name, new Recorder()]));
  const seconds = await closedLoop(CONCURRENCY, SECONDS, step((m) => perMethod.get(m.name)));
  const total = new Recorder();
  for (const r of perMethod.values()) {
    r.seconds = seconds;
    total.latencies.push(...r.latencies);
    total.errors += r.errors;
  }
  total.seconds = seconds;
  return { methods: [...perMethod].map(([name, r]) => ({ name, ...r.summary() })), total: total.summary(), seconds };
}

function report({ methods, total, seconds }) {
  for (const m of methods) printResult(`load mix: ${m.name}`, m, { extra: { calls: m.calls } });
  printResult(`load mix total (${CONCURRENCY} conns, ${seconds.toFixed(0)} s)`, { ...total, failures: undefined },
    { extra: { calls: total.calls, targets: [{ target: 'zero errors', met: total.errors === 0 }] } });
  console.log(total.errors === 0 ? 'zero errors' : `${total.errors} errors`);
}
