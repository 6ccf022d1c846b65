import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app';
import type { ServerKeys } from './contract/method';
import type { Config } from './config';
import { openDatabase, type Database } from './db';
import { EmbeddedDatabase, startEmbeddedPostgres } from './db/embedded';
import { loadServerKeys, resolveMasterKey } from './db/server-keys';
import { jobs, startJobs } from './jobs';
import { createAuditPartitionJob } from './jobs/audit-partitions';
import { createLogger } from './log';
import { countCredentialLookup, observeCredentialCache, observePool } from './http/metrics';
import { CallerCache } from './gateway/caller-cache';
import { followCallerChanges } from './services/callers/caller-changes';
import { attachRealtime } from './realtime';
import { allMethods } from './methods';
import { ensureFirstAdminKey } from './services/apikeys/api-keys';
import { maintainAuditPartitions } from './services/audit/audit-partitions';
import { AuditWriter } from './services/audit/audit-writer';
import { RunningRadius, startRadius } from './listen/radius';
import { UserResolver } from './services/directory/user-resolver';

export interface RunningServer {
  url: string;
  dataSource: Database;
  log: Logger;
  /** The RADIUS (UDP) and RadSec ports listened on, when they are on. */
  radius?: { udpPort?: number; radsecPort?: number };
  /** Stop accepting, let in-flight calls finish, close the pool, stop the embedded database. */
  close(): Promise<void>;
}

export interface PreparedDatabase {
  url: string;
  dataSource: Database;
  keys: ServerKeys;
  /** Set when the database is the embedded one, which this process started. */
  embedded: EmbeddedDatabase | undefined;
}

/** Database up (embedded when DATABASE_URL is unset), migrated, keys loaded, first admin key made and printed. */
export async function prepareDatabase(config: Config, say: (line: string) => void = console.log): Promise<PreparedDatabase> {
  const embedded: EmbeddedDatabase | undefined = config.databaseUrl
    ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, say });
  if (embedded) say(`embedded PostgreSQL in ${config.dataDir} on 127.0.0.1:${config.embeddedPgPort}`);
  const url = config.databaseUrl ?? embedded!.url;
  try {
    const dataSource = await openDatabase(url, {
      poolSize: config.poolSize, hotConnections: config.pipelinedPoolSize, preparedStatements: config.preparedStatements,
      connectTimeoutMs: config.dbConnectTimeoutMs,
    });
    const keys = await loadServerKeys(dataSource, resolveMasterKey(config.masterKey, config.dataDir, say));
    // Today's partition and the days ahead exist before the first call; expired days go.
    const partitions = await maintainAuditPartitions(dataSource, { retentionDays: config.auditRetentionDays });
    if (partitions.dropped.length) say(`audit log: dropped ${partitions.dropped.length} partitions older than ${config.auditRetentionDays} days`);
    const adminKey = await ensureFirstAdminKey(dataSource, keys.pepper, config.adminKey);
    if (adminKey && !config.adminKey) say(`admin API key: ${adminKey}`);
    else if (adminKey) say('admin API key: created from TOKENGATE_ADMIN_KEY');
    return { url, dataSource, keys, embedded };
  } catch (err) {
    await embedded?.stop(); // a failed start leaves no PostgreSQL behind
    throw err;
  }
}

/** Database prepared, HTTP listening. */
export async function startServer(config: Config, say: (line: string) => void = console.log): Promise<RunningServer> {
  const log = createLogger(config.logLevel);
  const { url: databaseUrl, dataSource, keys, embedded } = await prepareDatabase(config, say);
  observePool(dataSource);
  const audit = new AuditWriter(dataSource);
  const { callerCache, stopCallerCache } = startCallerCache(config, databaseUrl, dataSource, log);
  const users = new UserResolver(keys.masterKey);
  const app = createApp({
    dataSource, keys, log, audit, methods: allMethods, callerCache, users, config,
  });
  let radius: RunningRadius | null = null;
  // A start that fails half-way leaves nothing behind (listeners, connections, the embedded database).
  const abandonStart = async () => {
    await radius?.close();
    await stopCallerCache();
    await users.close();
    await dataSource.close();
    await embedded?.stop();
  };
  try {
    radius = await startRadius({
      host: config.radius.host ?? config.host, port: config.radius.port, radsecPort: config.radius.radsecPort,
      radsec: { cert: config.radius.radsecCert, key: config.radius.radsecKey, ca: config.radius.radsecCa },
      maxInFlightPerClient: config.radius.maxInFlightPerClient, maxEntries: config.radius.maxEntries, clientRefreshMs: 5_000,
    }, { db: dataSource, keys, log, record: app.gateway.pipeline.record, users, failuresPerUser: config.rateLimits.verifyFailuresPerUser });
  } catch (err) {
    await abandonStart();
    throw err;
  }
  const server: Server = await new Promise<Server>((resolve, reject) => {
    // express 5 calls back on an error too (EADDRINUSE): only a listening server resolves
    const s = app.listen(config.port, config.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  }).catch(async (err: NodeJS.ErrnoException) => {
    await abandonStart();
    throw err.code === 'EADDRINUSE'
      ? new Error(`port ${config.port} on ${config.host} is in use: set PORT (and HOST) to a free one`) : err;
  });
  server.keepAliveTimeout = 65_000;
  const realtime = attachRealtime(server, app, config.realtime);
  // While draining, every answer closes its connection: keep-alive clients move elsewhere.
  server.on('request', (_req, res) => { if (closing) res.setHeader('connection', 'close'); });
  const stopJobs = startJobs(dataSource, log, [...jobs, createAuditPartitionJob({ retentionDays: config.auditRetentionDays })]);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url, dataSource, log,
    radius: radius ? { udpPort: radius.udpPort, radsecPort: radius.radsecPort } : undefined,
    close: () => (closing ??= (async () => {
      // RADIUS first: a NAS gets no answer from here any more and asks its next server
      await radius?.close();
      // Open sockets would hold server.close() forever: their calls finish, then they close.
      await realtime.close();
      // server.close() only ends the connections idle at that moment; one whose call
      // finishes later would hold the process until keepAliveTimeout, so sweep again.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeIdleConnections(); });
      clearInterval(sweep);
      await stopJobs();
      await audit.flush();
      await stopCallerCache();
      await users.close();
      await dataSource.close();
      await embedded?.stop();
    })()),
  };
}

/** The credential cache and its listener (off with TOKENGATE_CREDENTIAL_CACHE_SIZE=0). */
function startCallerCache(config: Config, databaseUrl: string, dataSource: Database, log: Logger) {
  if (config.credentialCacheSize === 0) return { callerCache: undefined, stopCallerCache: async () => {} };
  const callerCache = new CallerCache({
    maxEntries: config.credentialCacheSize, ttlMs: config.credentialCacheTtlSeconds * 1000, onLookup: countCredentialLookup,
  });
  observeCredentialCache(callerCache);
  const listener = followCallerChanges(callerCache, {
    listenUrl: config.listenUrl ?? databaseUrl, connectTimeoutMs: config.dbConnectTimeoutMs, dataSource, log,
  });
  return { callerCache, stopCallerCache: () => listener.close() };
}
