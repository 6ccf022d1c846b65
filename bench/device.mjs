// Device token methods through the gateway vs a bare express route running the same
// statements: the device's credential check (VALID_TOKEN_SQL, root or session token),
// the method's one statement (no transaction: both methods are 'none') and the audit row.
//   /device/generateAndStoreToken: INSERT … SELECT that checks the target's whitelist and stores the token
//   /device/verifyToken:           SELECT of the token's validity, with the device's failure limit joined in
// Target (issue 6): ≥ 60% of the bare route's calls/s. A "no audit row" bare variant shows
// the audit's share; it is labelled as such and is not the baseline. Then a missing and
// a forbidden target are timed one call at a time: their DEVICE_NOT_FOUND must take the same time.
// Usage: npm run build && node bench/device.mjs      (BENCH_SECONDS per variant, in 1 s turns)
import { randomBytes, randomUUID } from 'node:crypto';
import { isMain, withServers } from './lib/harness.mjs';
import { basic, bearer } from './lib/http-client.mjs';
import { printResult } from './lib/report.mjs';
import { BodyLines, runTurns, wrkOptions } from './lib/wrk.mjs';

/** The baseline (?audit=1) and its no-audit variant, with the gateway's SQL from dist/; /setup registers the bare side's device. */
export async function bareRoutes(app, { pool, audit, hash, importDist }) {
  const { VALID_TOKEN_SQL } = await importDist('services/devices/device-auth.js');
  const { accessibleDevice } = await importDist('services/devices/device-access.js');
  const { joinRateLimitState } = await importDist('services/rate-limit/index.js');
  const insertSql = `INSERT INTO device_tokens (hash, uuid, tag, expires_on)
     SELECT $3, d.uuid, $4, $5 FROM devices d WHERE ${accessibleDevice('update', 2)}
     RETURNING created_at AS "createdAt", tag, expires_on AS "expiresOn"`;
  const verifySql = `SELECT (d.root_token_hash = $3 OR EXISTS (
              SELECT 1 FROM device_tokens t
               WHERE t.hash = $3 AND t.uuid = d.uuid AND (t.expires_on IS NULL OR t.expires_on > now()))) AS valid,
            rate_limit_state.*
       FROM devices d ${joinRateLimitState('$4')} WHERE ${accessibleDevice('view', 2)}`;
  const tokenHash = (uuid, token) => hash(`${uuid}:${token}`);
  const deviceCaller = async (req) => {
    const [uuid, token] = Buffer.from((req.get('authorization') ?? '').slice(6), 'base64').toString().split(':');
    const { rows } = await pool.query(VALID_TOKEN_SQL, [uuid, tokenHash(uuid, token)]);
    return rows.length ? { kind: 'device', uuid } : null;
  };
  app.post('/setup', async (_req, res) => {
    const uuid = randomUUID();
    const token = `tgd_${randomBytes(32).toString('base64url')}`;
    await pool.query(`INSERT INTO devices (uuid, name, root_token_hash) VALUES ($1, 'bare', $2)`, [uuid, tokenHash(uuid, token)]);
    res.json({ uuid, token });
  });
  app.post('/generate', async (req, res) => {
    const started = performance.now();
    const caller = await deviceCaller(req);
    if (!caller) return void res.status(401).json({ error: 1001, name: 'UNAUTHENTICATED' });
    const token = `tgd_${randomBytes(32).toString('base64url')}`;
    const { rows: [row] } = await pool.query(insertSql, [req.body.uuid, caller.uuid, tokenHash(req.body.uuid, token), null, null]);
    if (req.query.audit) await audit({ caller, method: '/device/generateAndStoreToken', target: req.body.uuid, started });
    res.json({ jsonrpc: '2.0', id: 1, result: { uuid: req.body.uuid, token, createdAt: row.createdAt } });
  });
  app.post('/verify', async (req, res) => {
    const started = performance.now();
    const caller = await deviceCaller(req);
    if (!caller) return void res.status(401).json({ error: 1001, name: 'UNAUTHENTICATED' });
    const { rows: [row] } = await pool.query(verifySql,
      [req.body.uuid, caller.uuid, tokenHash(req.body.uuid, req.body.token), `auth-fail:device:${req.body.uuid}`]);
    if (req.query.audit) await audit({ caller, method: '/device/verifyToken', target: req.body.uuid, started });
    res.json({ jsonrpc: '2.0', id: 1, result: { valid: row.valid } });
  });
}

if (isMain(import.meta.url)) {
  await withServers({ bare: import.meta.url, profileFrom: 'issueSessionToken' }, async ({ db, tg, bare, gateway, baseline }) => {
    const device = await gateway.rpc('/device/register', { attrs: { name: 'bench' } }, bearer(tg.adminKey));
    const stranger = await gateway.rpc('/device/register', { attrs: { name: 'stranger' } }, bearer(tg.adminKey));
    const bareDevice = await baseline.call('/setup', {});
    console.log(`device tokens, wrk -t1 -c${wrkOptions.connections}, ${wrkOptions.seconds} s per variant in ${wrkOptions.turnSeconds} s turns, synchronous_commit=${db.syncCommit}`);
    const rpc = (method, params) => new BodyLines({ lines: [JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })] });
    const json = (params) => new BodyLines({ lines: [JSON.stringify(params)] });
    const onGateway = { pid: tg.pid, url: tg.url, path: '/rpc', headers: basic(device) };
    const onBare = (path) => ({ pid: bare.pid, url: bare.url, path, headers: basic(bareDevice) });

    const [gwIssue, bareIssue, bareIssueNoAudit] = await runTurns([
      { name: 'gateway', ...onGateway, bodies: rpc('/device/generateAndStoreToken', { uuid: device.uuid }), expect: '"result"' },
      { name: 'bare', ...onBare('/generate?audit=1'), bodies: json({ uuid: bareDevice.uuid }), expect: '"result"' },
      { name: 'bare, no audit', ...onBare('/generate'), bodies: json({ uuid: bareDevice.uuid }), expect: '"result"' },
    ]);
    printResult('/device/generateAndStoreToken bare express, same SQL', bareIssue, { baseline: true });
    printResult('/device/generateAndStoreToken tokengate /rpc', gwIssue, { vs: bareIssue, minRatio: 0.6 });
    printResult('/device/generateAndStoreToken bare, no audit row', bareIssueNoAudit);

    const [gwVerify, bareVerify, bareVerifyNoAudit] = await runTurns([
      { name: 'gateway', ...onGateway, bodies: rpc('/device/verifyToken', { uuid: device.uuid, token: device.token }), expect: '"valid":true' },
      { name: 'bare', ...onBare('/verify?audit=1'), bodies: json(bareDevice), expect: '"valid":true' },
      { name: 'bare, no audit', ...onBare('/verify'), bodies: json(bareDevice), expect: '"valid":true' },
    ]);
    printResult('/device/verifyToken bare express, same SQL', bareVerify, { baseline: true });
    printResult('/device/verifyToken tokengate /rpc', gwVerify, { vs: bareVerify, minRatio: 0.6 });
    printResult('/device/verifyToken bare, no audit row', bareVerifyNoAudit);

    await timingOracle(gateway, basic(stranger), device.uuid);
  });
}

/** A missing and a forbidden target, alternated one call at a time: their latencies should not differ. */
async function timingOracle(gateway, headers, forbiddenUuid) {
  /** @type {{ missing: number[], forbidden: number[] }} */
  const samples = { missing: [], forbidden: [] };
  for (let i = 0; i < 600; i++) {
    const which = i % 2 ? 'missing' : 'forbidden';
    const t = performance.now();
    const { body } = await gateway.post('/rpc', { jsonrpc: '2.0', id: i, method: '/device/generateAndStoreToken', params: { uuid: which === 'missing' ? randomUUID() : forbiddenUuid } }, headers);
    if (body?.error?.data?.name !== 'DEVICE_NOT_FOUND') throw new Error(`expected DEVICE_NOT_FOUND, got ${JSON.stringify(body)}`);
    if (i >= 100) samples[which].push(performance.now() - t);
  }
  const stat = (xs) => { const s = [...xs].sort((a, b) => a - b); return { median: s[s.length >> 1], mean: xs.reduce((a, b) => a + b, 0) / xs.length }; };
  const m = stat(samples.missing);
  const f = stat(samples.forbidden);
  console.log(`DEVICE_NOT_FOUND latency (sequential, 250 each): missing median ${m.median.toFixed(3)} ms mean ${m.mean.toFixed(3)} ms; forbidden median ${f.median.toFixed(3)} ms mean ${f.mean.toFixed(3)} ms`);
}
