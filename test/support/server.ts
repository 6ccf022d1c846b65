import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppDeps, createApp } from '../../src/app';
import type { ServerKeys } from '../../src/contract/method';
import { openTestDb, type TestDb } from './test-db';
import { loadServerKeys } from '../../src/db/server-keys';
import { createLogger } from '../../src/log';
import { allMethods } from '../../src/methods';
import { defaultConfig, type Config, type RealtimeSettings } from '../../src/config';
import { attachRealtime } from '../../src/realtime';
import { createApiKey } from '../../src/services/apikeys/api-keys';
import { UserResolver } from '../../src/services/directory/user-resolver';
import { CallerCache } from '../../src/gateway/caller-cache';
import { followCallerChanges } from '../../src/services/callers/caller-changes';
import { listenLocally } from './listen';
import { installTestClock, type TestClock } from './test-clock';
import { RadiusSettings, RunningRadius, startRadius } from '../../src/listen/radius';
import { AuditWriter } from '../../src/services/audit/audit-writer';

export interface RpcReply { jsonrpc: '2.0'; id: unknown; result?: any; error?: { code: number; message: string; data: any } }
export interface RestReply { status: number; body: any; headers: Headers }

export interface TestServer {
  url: string;
  adminKey: string;
  db: TestDb;
  keys: ServerKeys;
  databaseUrl: string;
  /** One JSON-RPC call with the admin key (or `key`); the whole reply. */
  rpc(method: string, params?: unknown, key?: string): Promise<RpcReply>;
  /** rpc() that expects success and returns the result. */
  call(method: string, params?: unknown, key?: string): Promise<any>;
  /** POST /rest/<object>/<method> with the admin key (or opts.key / opts.headers). */
  rest(method: string, params?: unknown, opts?: { key?: string | null; headers?: Record<string, string> }): Promise<RestReply>;
  /** A fresh API key with the given scopes (and identity). */
  keyWith(scopes: string[], identity?: string): Promise<string>;
  /** The server's and the database's time, moved by the test (startTestServer({ clock: true })). */
  clock: TestClock;
  /** The RADIUS / RadSec listeners, when `radius` was asked for. */
  radius?: RunningRadius;
  close(): Promise<void>;
}

/** RADIUS for a test server: UDP on a free loopback port unless `port` says otherwise; RadSec when `radsecPort` is given. */
export type TestRadiusOptions = Partial<RadiusSettings> & { udp?: boolean };

/**
 * The real server for one test file: its own database on the test PostgreSQL
 * (migrated from scratch), the real app on an ephemeral port. With `clock: true`, time
 * is the test's to move (s.clock, test/support/test-clock.ts) instead of waited for.
 */
export async function startTestServer(
  { realtime: realtimeLimits, callerCache: withCache, clock: withClock, log: givenLog, radius: radiusOptions, resolverClock, resolverScanFrom, ...config }:
    Partial<Pick<AppDeps, 'log'>> & Partial<Pick<Config, 'rateLimits' | 'rpcBatchMax' | 'userTokenMaxTtl'>>
    & {
      realtime?: Partial<RealtimeSettings>; callerCache?: boolean; clock?: boolean; radius?: TestRadiusOptions;
      /** The user resolver's clock (directory lookups are cached for cacheSeconds by it). */
      resolverClock?: () => number;
      /** Names of a directory domain in one batch chunk from which the whole directory is read once (UserResolver's scanFrom). */
      resolverScanFrom?: number;
    } = {},
): Promise<TestServer> {
  const serverUrl = process.env.TOKENGATE_TEST_PG_URL;
  if (!serverUrl) throw new Error('TOKENGATE_TEST_PG_URL is not set (jest globalSetup starts PostgreSQL)');
  const dbName = `tg_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (c) => c.query(`CREATE DATABASE ${dbName}`));
  const databaseUrl = withDatabaseName(serverUrl, dbName);
  const clock = withClock ? await installTestClock(databaseUrl) : wallClock;
  const db = await openTestDb(databaseUrl, { poolSize: 10 });
  const keys = await loadServerKeys(db, randomBytes(32));
  const { key: adminKey } = await createApiKey(db, keys.pepper, { name: 'test admin', scopes: ['admin'] });
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  // Off unless asked: a test that changes a credential with SQL of its own would race the notification.
  const callerCache = withCache ? new CallerCache({ maxEntries: 1_000, ttlMs: 60_000, clock }) : undefined;
  const listener = callerCache ? followCallerChanges(callerCache, { listenUrl: databaseUrl, dataSource: db, log }) : undefined;
  for (let i = 0; callerCache && !callerCache.isTrusted; i++) {
    if (i > 200) throw new Error('the credential cache did not start hearing revocations');
    await new Promise((r) => setTimeout(r, 25));
  }
  const audit = new AuditWriter(db);
  const users = new UserResolver(keys.masterKey, resolverClock, resolverScanFrom);
  const app = createApp({ dataSource: db, keys, log: givenLog ?? log, methods: allMethods, callerCache, clock, audit, config, users });
  const radius = radiusOptions ? await startRadius({
    host: '127.0.0.1', port: radiusOptions.udp === false ? undefined : 0, maxInFlightPerClient: 32, maxEntries: 10_000,
    clientRefreshMs: 5_000, clientMissRefreshMs: 0, ...radiusOptions,
  }, {
    db, keys, log, record: app.gateway.pipeline.record, users,
    failuresPerUser: (config.rateLimits ?? defaultConfig().rateLimits).verifyFailuresPerUser,
  }) ?? undefined : undefined;
  const { server, url, close: closeHttp } = await listenLocally(app);
  const realtime = attachRealtime(server, app, { ...defaultConfig().realtime, ...realtimeLimits });

  const rpc = async (method: string, params?: unknown, key: string = adminKey): Promise<RpcReply> => {
    const res = await fetch(`${url}/rpc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return res.json() as Promise<RpcReply>;
  };
  return {
    url, adminKey, db, keys, databaseUrl, rpc, clock, radius,
    async call(method, params, key) {
      const reply = await rpc(method, params, key);
      if (reply.error) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
      return reply.result;
    },
    async rest(method, params, opts = {}) {
      const key = opts.key === undefined ? adminKey : opts.key;
      const res = await fetch(`${url}/rest${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...opts.headers },
        body: params === undefined ? undefined : JSON.stringify(params),
      });
      const text = await res.text();
      let body: any = text;
      try { body = JSON.parse(text); } catch { /* not JSON: keep the text */ }
      return { status: res.status, body, headers: res.headers };
    },
    async keyWith(scopes, identity) {
      return (await createApiKey(db, keys.pepper, { name: `test ${scopes.join(' ')}`, scopes, identity })).key;
    },
    async close() {
      await radius?.close();
      await realtime.close();
      await closeHttp();
      await users.close();
      await listener?.close();
      await audit.flush();
      await db.close();
      await withAdminClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`));
    },
  };
}

/** A server started without `clock: true` lives on the wall clock; moving it is a mistake in the test. */
const wallClock: TestClock = {
  now: () => Date.now(),
  advance: () => Promise.reject(new Error('this test server has no test clock: startTestServer({ clock: true })')),
  reset: async () => {},
};

function withDatabaseName(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withAdminClient<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try { return await work(client); } finally { await client.end(); }
}
