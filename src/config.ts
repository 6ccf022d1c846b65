import { resolve } from 'node:path';

/** Typed settings from the environment, checked at boot (SPEC section 6). */
export interface Config {
  /** Unset: the embedded PostgreSQL in dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  /** 32 bytes from TOKENGATE_MASTER_KEY (base64 or hex); unset: generated into dataDir. */
  readonly masterKey: Buffer | undefined;
  /** The admin API key to create on the first start of an empty database. */
  readonly adminKey: string | undefined;
  readonly logLevel: string;
  readonly bodyLimit: string;
  readonly poolSize: number;
  /** express "trust proxy" (TOKENGATE_TRUST_PROXY): hops allowed to name the client in X-Forwarded-For. */
  readonly trustProxy: boolean | number | string;
  /** Most calls in one JSON-RPC batch, over HTTP and WebSocket (TOKENGATE_RPC_BATCH_MAX). */
  readonly rpcBatchMax: number;
  /** Callers kept in each process's credential cache (TOKENGATE_CREDENTIAL_CACHE_SIZE); 0 turns the cache off. */
  readonly credentialCacheSize: number;
  /** Longest a cached caller is trusted without hearing of a change (TOKENGATE_CREDENTIAL_CACHE_TTL, seconds). */
  readonly credentialCacheTtlSeconds: number;
  /**
   * Where the cache LISTENs for revocations (TOKENGATE_LISTEN_URL); unset: the database URL.
   * Must reach PostgreSQL directly or through a session-mode pooler: not PgBouncer's transaction mode.
   */
  readonly listenUrl: string | undefined;
  /** TOKENGATE_AUDIT_RETENTION_DAYS: audit partitions whose whole day is older than this are dropped. */
  readonly auditRetentionDays: number;
  /** TOKENGATE_PREPARED_STATEMENTS (on|off): named statements on the hot paths; off behind PgBouncer < 1.21 in transaction mode. */
  readonly preparedStatements: boolean;
}

/** A batch of more calls holds a connection and the event loop too long for one request. */
export const DEFAULT_RPC_BATCH_MAX = 100;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.TOKENGATE_DATA_DIR || './.data'),
    port: parsePort(env.PORT ?? '8080'),
    host: env.HOST || '0.0.0.0',
    masterKey: env.TOKENGATE_MASTER_KEY ? parseMasterKey(env.TOKENGATE_MASTER_KEY) : undefined,
    adminKey: env.TOKENGATE_ADMIN_KEY || undefined,
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: env.TOKENGATE_BODY_LIMIT || '10mb',
    poolSize: Number(env.TOKENGATE_POOL_SIZE || 20),
    trustProxy: parseTrustProxy(env.TOKENGATE_TRUST_PROXY || 'loopback'),
    rpcBatchMax: parsePositiveInt('TOKENGATE_RPC_BATCH_MAX', env.TOKENGATE_RPC_BATCH_MAX || String(DEFAULT_RPC_BATCH_MAX)),
    credentialCacheSize: parseWhole('TOKENGATE_CREDENTIAL_CACHE_SIZE', env.TOKENGATE_CREDENTIAL_CACHE_SIZE || '10000'),
    credentialCacheTtlSeconds: parseWhole('TOKENGATE_CREDENTIAL_CACHE_TTL', env.TOKENGATE_CREDENTIAL_CACHE_TTL || '60'),
    listenUrl: env.TOKENGATE_LISTEN_URL || undefined,
    auditRetentionDays: parseDays('TOKENGATE_AUDIT_RETENTION_DAYS', env.TOKENGATE_AUDIT_RETENTION_DAYS || '90'),
    preparedStatements: parseOnOff('TOKENGATE_PREPARED_STATEMENTS', env.TOKENGATE_PREPARED_STATEMENTS || 'on'),
  };
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0..65535, got "${raw}"`);
  return port;
}

function parsePositiveInt(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0, got "${raw}"`);
  return value;
}

function parseWhole(name: string, raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return n;
}

function parseDays(name: string, raw: string): number {
  const days = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || days < 1 || days > 36_500) throw new Error(`${name} must be a whole number of days, 1..36500, got "${raw}"`);
  return days;
}

function parseOnOff(name: string, raw: string): boolean {
  if (/^(on|true|1)$/i.test(raw.trim())) return true;
  if (/^(off|false|0)$/i.test(raw.trim())) return false;
  throw new Error(`${name} must be "on" or "off", got "${raw}"`);
}

/** "true", a hop count, or express's list form ("loopback, 10.0.0.0/8"). */
function parseTrustProxy(raw: string): boolean | number | string {
  if (/^(true|false)$/i.test(raw)) return raw.toLowerCase() === 'true';
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

export function parseMasterKey(raw: string): Buffer {
  const text = raw.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) throw new Error('TOKENGATE_MASTER_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}
