// What authenticating a call costs (SPEC §9, issue 13): one cheap method, /device/verifyToken
// (one SELECT, no transaction), called four ways on two tokengate processes sharing one
// database and master key:
//   cached caller, API key     the reference: the key is served from the credential cache
//   cached caller, device Basic the device's token served from the cache
//   no cache, API key          TOKENGATE_CREDENTIAL_CACHE_SIZE=0: the key looked up every call
//   no cache, device Basic     the device's token looked up every call
// "ratio" = calls/s ÷ the reference's; 1/ratio − 1 is what that way of authenticating adds.
// Target (issue 13): device Basic auth, and API-key auth, add ≤ 10% over a cached caller
// (checked on the cached device row; the no-cache rows show what the cache saves).
// Loaded by wrk (bench/lib/wrk.mjs), the variants in alternated turns.
// Usage: npm run build && node bench/auth-overhead.mjs   (BENCH_SECONDS per variant, BENCH_TURN_SECONDS)
import { randomBytes } from 'node:crypto';
import { isMain, startTokengate, withServers } from './lib/harness.mjs';
import { basic, bearer } from './lib/http-client.mjs';
import { printResult } from './lib/report.mjs';
import { BodyLines, runTurns, wrkOptions } from './lib/wrk.mjs';

const METHOD = '/device/verifyToken';
const MAX_OVERHEAD = 0.10;

if (isMain(import.meta.url)) {
  const shared = { TOKENGATE_MASTER_KEY: randomBytes(32).toString('base64'), TOKENGATE_ADMIN_KEY: `tgk_${randomBytes(32).toString('base64url')}` };
  await withServers({ env: shared }, async ({ db, tg, gateway }) => {
    const uncached = await startTokengate(db.url, { ...shared, TOKENGATE_CREDENTIAL_CACHE_SIZE: '0' });
    try {
      const admin = bearer(tg.adminKey);
      const device = await gateway.rpc('/device/register', { attrs: { name: 'bench' } }, admin);
      const params = { uuid: device.uuid, token: device.token };
      console.log(`${METHOD}, wrk -t1 -c${wrkOptions.connections}, ${wrkOptions.seconds} s per variant in ${wrkOptions.turnSeconds} s turns, synchronous_commit=${db.syncCommit}`);
      const bodies = new BodyLines({ lines: [JSON.stringify({ jsonrpc: '2.0', id: 1, method: METHOD, params })] });
      const on = (server, headers) => ({ pid: server.pid, url: server.url, path: '/rpc', headers, bodies, expect: '"valid":true' });
      const [cachedKey, cachedDevice, plainKey, plainDevice] = await runTurns([
        { name: 'cached, key', ...on(tg, admin) },
        { name: 'cached, device', ...on(tg, basic(device)) },
        { name: 'no cache, key', ...on(uncached, admin) },
        { name: 'no cache, device', ...on(uncached, basic(device)) },
      ]);
      const ref = 'cached caller';
      const target = `auth adds ≤ ${MAX_OVERHEAD * 100}% over a ${ref}`;
      const opts = { vs: cachedKey, ratioTo: ref, minRatio: 1 / (1 + MAX_OVERHEAD), target };
      printResult(`${METHOD} API key, cached caller`, cachedKey, { baseline: true, ratioTo: ref });
      printResult(`${METHOD} device Basic, cached caller`, cachedDevice, opts);
      // Without the cache: what the lookup costs (today's path before issue 13), no target.
      printResult(`${METHOD} API key, no cache`, plainKey, { vs: cachedKey, ratioTo: ref });
      printResult(`${METHOD} device Basic, no cache`, plainDevice, { vs: cachedKey, ratioTo: ref });
      for (const [name, r] of [['device Basic, cached', cachedDevice], ['API key, no cache', plainKey], ['device Basic, no cache', plainDevice]]) {
        const cpu = r.cpuUsPerCall && cachedKey.cpuUsPerCall ? `, server CPU per call ${((r.cpuUsPerCall / cachedKey.cpuUsPerCall - 1) * 100).toFixed(1)}%` : '';
        console.log(`  ${name}: authentication adds ${((cachedKey.rps / r.rps - 1) * 100).toFixed(1)}% calls/s over a cached caller${cpu}`);
      }
    } finally {
      await uncached.stop();
    }
  });
}
