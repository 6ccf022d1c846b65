import { resolve } from 'node:path';
import { parseDatabaseUrl } from './db/multi-host-url';
import type { RateLimit } from './services/rate-limit/rate-limit';

/**
 * Every environment variable tokengate reads, in one table: its name, default, the form
 * it takes and what it means. loadConfig() reads and checks them all at start; the README
 * tables are checked against this table (test/unit/config/readme-table.test.ts), so a new
 * setting is one entry here plus one README row. Nothing else reads process.env.
 */
export interface Setting<T> {
  readonly env: string;
  /** The raw value used when the variable is unset or empty; undefined: the setting stays unset. */
  readonly fallback: string | undefined;
  /** The default as the README shows it (defaults to `fallback`). */
  readonly shownDefault?: string;
  readonly meaning: string;
  readonly type: SettingType<T>;
  /** Its value is never repeated in an error message. */
  readonly secret?: boolean;
}

/** A kind of value: how it is parsed, and the form an error message asks for. */
export interface SettingType<T> {
  /** e.g. "a whole number from 1 to 65535": said when a value is refused. */
  readonly form: string;
  /** undefined when the text is not of the form. */
  parse(raw: string): T | undefined;
}

/** A refused setting: one line naming the variable and the form it takes. */
export class ConfigError extends Error {
  /** `raw` undefined: a secret, not repeated. */
  constructor(readonly variable: string, form: string, raw: string | undefined) {
    super(`${variable} must be ${form}${raw === undefined ? '' : `, got "${raw}"`}`);
    this.name = 'ConfigError';
  }
}

// ---- kinds of values -------------------------------------------------------------------

const text: SettingType<string> = { form: 'text', parse: (raw) => raw };

function wholeNumber(min: number, max: number): SettingType<number> {
  return {
    form: `a whole number from ${min} to ${max}`,
    parse: (raw) => (/^\d+$/.test(raw.trim()) && +raw >= min && +raw <= max ? +raw : undefined),
  };
}

/** Seconds with decimals allowed, kept as milliseconds (timers take ms). */
function secondsAsMs(opts: { zeroMeansOff?: boolean } = {}): SettingType<number> {
  return {
    form: opts.zeroMeansOff ? 'a number of seconds (0 for none)' : 'a number of seconds above 0',
    parse: (raw) => {
      const value = Number(raw.trim());
      const ok = raw.trim() !== '' && Number.isFinite(value) && (value > 0 || (value === 0 && !!opts.zeroMeansOff));
      return ok ? Math.round(value * 1000) : undefined;
    },
  };
}

const rateLimit: SettingType<RateLimit | null> = {
  form: '"<attempts>/<seconds>" (e.g. 20/300) or "off"',
  parse: (raw) => {
    const value = raw.trim();
    if (/^(off|0)$/i.test(value)) return null;
    const m = /^(\d{1,9})\s*\/\s*(\d{1,7})s?$/.exec(value);
    if (!m || +m[1] < 1 || +m[2] < 1) return undefined;
    return { limit: +m[1], windowSeconds: +m[2] };
  },
};

const masterKey: SettingType<Buffer> = {
  form: '32 bytes, as 64 hex digits or base64',
  parse: (raw) => {
    const value = raw.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(value) ? Buffer.from(value, 'hex')
      : /^[A-Za-z0-9+/]+={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.alloc(0);
    return key.length === 32 ? key : undefined;
  },
};

const logLevel: SettingType<string> = {
  form: 'one of fatal, error, warn, info, debug, trace, silent',
  parse: (raw) => (/^(fatal|error|warn|info|debug|trace|silent)$/.test(raw.trim()) ? raw.trim() : undefined),
};

/** express's body-parser limit: bytes, or a number with kb/mb/gb. */
const byteSize: SettingType<string> = {
  form: 'a size such as 10mb, 512kb or 1048576',
  parse: (raw) => (/^\d+(\.\d+)?\s*(b|kb|mb|gb)?$/i.test(raw.trim()) ? raw.trim() : undefined),
};

/** express "trust proxy": true/false, a hop count, or a list of addresses / names ("loopback, 10.0.0.0/8"). */
const trustProxy: SettingType<boolean | number | string> = {
  form: 'true, false, a hop count, or addresses such as "loopback, 10.0.0.0/8"',
  parse: (raw) => {
    const value = raw.trim();
    if (/^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
    if (/^\d+$/.test(value)) return Number(value);
    return /^[\w.:/, -]+$/.test(value) ? value : undefined;
  },
};

const onOff: SettingType<boolean> = {
  form: '"on" or "off"',
  parse: (raw) => (/^(on|true|1)$/i.test(raw.trim()) ? true : /^(off|false|0)$/i.test(raw.trim()) ? false : undefined),
};

/** libpq's multi-host form too (SPEC §12): parseDatabaseUrl refuses a host list or target_session_attrs it cannot use. */
const postgresUrl: SettingType<string> = {
  form: 'a postgres:// or postgresql:// URL (several hosts as h1:5432,h2:5432; target_session_attrs any, read-write or primary)',
  parse: (raw) => {
    if (!/^postgres(ql)?:\/\/\S+$/.test(raw.trim())) return undefined;
    try {
      parseDatabaseUrl(raw.trim());
      return raw.trim();
    } catch {
      return undefined;
    }
  },
};

const absolutePath: SettingType<string> = { form: 'a directory', parse: (raw) => resolve(raw) };
const filePath: SettingType<string> = { form: 'a file path', parse: (raw) => resolve(raw.trim()) };

// ---- the table -------------------------------------------------------------------------

export const DEFAULT_RPC_BATCH_MAX = 100;

const s = <T, F extends string | undefined>(
  env: string, fallback: F, type: SettingType<T>, meaning: string, shownDefault?: string,
): Setting<T> & { readonly fallback: F } => ({ env, fallback, type, meaning, shownDefault });
const secret = <S extends Setting<unknown>>(setting: S): S => ({ ...setting, secret: true });

/** The server's settings, grouped as the code uses them. */
export const SETTINGS = {
  databaseUrl: secret(s('DATABASE_URL', undefined, postgresUrl, 'any PostgreSQL 13+; several hosts in libpq\'s form (`postgres://u:p@h1:5432,h2:5432/db?target_session_attrs=read-write`): the one that takes writes is used, and looked for again after a failover ([docs/high-availability.md](docs/high-availability.md))', 'unset: embedded PostgreSQL in `TOKENGATE_DATA_DIR`')),
  /** Bounds connecting, waiting for a pooled connection, and looking for the new primary after a failover. */
  dbConnectTimeoutMs: s('TOKENGATE_DB_CONNECT_TIMEOUT', '5', secondsAsMs(), 'seconds a call waits for a database connection (with several hosts: for one that takes writes) before `SERVICE_UNAVAILABLE`'),
  dataDir: s('TOKENGATE_DATA_DIR', './.data', absolutePath, 'embedded database, generated master key'),
  embeddedPgPort: s('TOKENGATE_EMBEDDED_PG_PORT', '54329', wholeNumber(1, 65535), 'port of the embedded PostgreSQL (127.0.0.1 only); pick another for a second checkout'),
  port: s('PORT', '8080', wholeNumber(0, 65535), 'HTTP port (0: any free port)'),
  host: s('HOST', '0.0.0.0', text, 'address to listen on'),
  masterKey: secret(s('TOKENGATE_MASTER_KEY', undefined, masterKey, '32 bytes, base64 or hex; seals OTP seeds and the hash pepper. **Set it** when several machines share a database', 'generated into the data dir (mode 0600)')),
  adminKey: secret(s('TOKENGATE_ADMIN_KEY', undefined, text, 'on the first start of an empty database, the admin API key to create', 'generated and printed')),
  logLevel: s('LOG_LEVEL', 'info', logLevel, 'pino; `debug` logs one line per call'),
  bodyLimit: s('TOKENGATE_BODY_LIMIT', '10mb', byteSize, 'largest JSON body (CSV uploads stream and have no limit)'),
  poolSize: s('TOKENGATE_POOL_SIZE', '20', wholeNumber(1, 1000), 'PostgreSQL connections per process (besides the pipelined ones below)'),
  /** The verify hot paths' statements go pipelined over these (src/db/hot-lane.ts); one per process keeps the most statements per write. */
  pipelinedPoolSize: s('TOKENGATE_PIPELINED_POOL_SIZE', '1', wholeNumber(1, 1000), 'PostgreSQL connections per process that carry the verify hot paths\' statements pipelined, on top of `TOKENGATE_POOL_SIZE`'),
  trustProxy: s('TOKENGATE_TRUST_PROXY', 'loopback', trustProxy, 'which proxies\' `X-Forwarded-For` to believe (express "trust proxy")'),
  userTokenMaxTtl: s('TOKENGATE_USER_TOKEN_MAX_TTL', '31536000', wholeNumber(1, 2_147_483_647), 'largest `ttl` (seconds) for `/user/createToken`'),
  /** A batch of more calls holds a connection and the event loop too long for one request. */
  rpcBatchMax: s('TOKENGATE_RPC_BATCH_MAX', String(DEFAULT_RPC_BATCH_MAX), wholeNumber(1, 1_000_000), 'most calls in one JSON-RPC batch, over HTTP and WebSocket; a longer batch is refused whole (`INVALID_REQUEST`, `data.max`)'),
  /** Callers kept in each process's credential cache; 0 turns the cache off. */
  credentialCacheSize: s('TOKENGATE_CREDENTIAL_CACHE_SIZE', '10000', wholeNumber(0, Number.MAX_SAFE_INTEGER), 'callers each process remembers by a salted hash of their credential; `0` turns the cache off ([docs/operations.md](docs/operations.md#credential-cache))'),
  /** Longest a cached caller is trusted without hearing of a change. */
  credentialCacheTtlSeconds: s('TOKENGATE_CREDENTIAL_CACHE_TTL', '60', wholeNumber(0, Number.MAX_SAFE_INTEGER), 'seconds a cached caller is trusted at most without hearing of a change'),
  /**
   * Where the cache LISTENs for revocations; unset: the database URL. Must reach PostgreSQL
   * directly or through a session-mode pooler: not PgBouncer's transaction mode.
   */
  listenUrl: secret(s('TOKENGATE_LISTEN_URL', undefined, postgresUrl, 'where the cache `LISTEN`s for revocations: PostgreSQL directly, not PgBouncer in transaction mode', 'the database URL')),
  /** Audit partitions whose whole day is older than this are dropped. */
  auditRetentionDays: s('TOKENGATE_AUDIT_RETENTION_DAYS', '90', wholeNumber(1, 36_500), 'days of audit log kept; older whole days (partitions) are dropped; see [docs/operations.md](docs/operations.md#audit-log-partitions-and-retention)'),
  /** Named (prepared) statements on the hot paths; PgBouncer before 1.21 in transaction mode needs them off. */
  preparedStatements: s('TOKENGATE_PREPARED_STATEMENTS', 'on', onOff, 'named statements on the verify hot paths (`on`/`off`); `off` behind PgBouncer older than 1.21 in transaction mode'),
  rateLimits: {
    /** Failed credential checks (API key or device) from one client IP. */
    authFailuresPerIp: s('TOKENGATE_RATE_LIMIT_AUTH_IP', '100/300', rateLimit, 'failed credential checks per client IP (loopback exempt), attempts/seconds or `off`'),
    /** Failed credential checks naming one device uuid, from anywhere. */
    authFailuresPerDevice: s('TOKENGATE_RATE_LIMIT_AUTH_DEVICE', '20/300', rateLimit, 'failed credential checks per device uuid'),
    /** Failed /auth/verify calls for one user (the token's own maxFail lock comes on top). */
    verifyFailuresPerUser: s('TOKENGATE_RATE_LIMIT_VERIFY', '20/300', rateLimit, 'failed `/auth/verify` calls per user'),
    /** Password guesses per share token and calling identity (/relationshipTemplate/loadToken). */
    passwordFailuresPerToken: s('TOKENGATE_RATE_LIMIT_PASSWORD', '5/900', rateLimit, 'wrong share-token passwords per token and caller'),
  },
  /** RADIUS (UDP) and RadSec (TLS) listeners, SPEC §10; docs/radius.md. */
  radius: {
    port: s('TOKENGATE_RADIUS_PORT', undefined, wholeNumber(0, 65535), 'UDP port of the RADIUS listener (1812 is the usual one; 0: any free port)', 'unset: off'),
    host: s('TOKENGATE_RADIUS_HOST', undefined, text, 'address the RADIUS and RadSec listeners bind to', '`HOST`'),
    radsecPort: s('TOKENGATE_RADSEC_PORT', undefined, wholeNumber(0, 65535), 'TCP port of the RadSec (RADIUS over TLS, RFC 6614) listener (2083 is the usual one)', 'unset: off'),
    radsecCert: s('TOKENGATE_RADSEC_CERT', undefined, filePath, 'RadSec server certificate (PEM file)', 'none'),
    radsecKey: s('TOKENGATE_RADSEC_KEY', undefined, filePath, 'RadSec server private key (PEM file)', 'none'),
    radsecCa: s('TOKENGATE_RADSEC_CA', undefined, filePath, 'CA certificate(s) (PEM file) that RadSec client certificates must chain to', 'none'),
    maxInFlightPerClient: s('TOKENGATE_RADIUS_MAX_IN_FLIGHT', '32', wholeNumber(1, 100_000), 'verifications of one RADIUS client running at once; more are dropped (counted)'),
    maxEntries: s('TOKENGATE_RADIUS_CACHE_ENTRIES', '10000', wholeNumber(1, 10_000_000), 'entries of the retransmission cache and of the challenge States, each (the oldest go first)'),
  },
  realtime: {
    maxConnections: s('TOKENGATE_REALTIME_MAX_CONNECTIONS', '10000', wholeNumber(1, 1_000_000), 'open WebSocket + Socket.IO connections per process'),
    maxMessageBytes: s('TOKENGATE_REALTIME_MAX_MESSAGE_BYTES', '1048576', wholeNumber(1, 1 << 30), 'largest message a client may send'),
    maxInFlight: s('TOKENGATE_REALTIME_MAX_IN_FLIGHT', '8', wholeNumber(1, 10_000), 'calls of one socket running at once'),
    maxQueued: s('TOKENGATE_REALTIME_MAX_QUEUED', '64', wholeNumber(0, 1_000_000), 'calls of one socket waiting; more answer `RATE_LIMITED`'),
    maxBufferedBytes: s('TOKENGATE_REALTIME_MAX_BUFFERED_BYTES', '4194304', wholeNumber(1, 1 << 30), 'unread reply bytes before a slow reader is dropped'),
    heartbeatMs: s('TOKENGATE_REALTIME_HEARTBEAT_SECONDS', '30', secondsAsMs(), 'ping period'),
    idleTimeoutMs: s('TOKENGATE_REALTIME_IDLE_SECONDS', '600', secondsAsMs({ zeroMeansOff: true }), 'a silent socket is closed after this long (0: never)'),
    authTimeoutMs: s('TOKENGATE_REALTIME_AUTH_TIMEOUT_SECONDS', '10', secondsAsMs(), 'a Socket.IO connection must authenticate within this'),
  },
} as const;

/** What the CLI's client commands read (`tokengate call`, `tokengate import`, …). */
export const CLIENT_SETTINGS = {
  url: s('TOKENGATE_URL', 'http://localhost:8080', text, 'the server the client commands call'),
  key: secret(s('TOKENGATE_KEY', undefined, text, 'the API key they send', 'none')),
  importPassphrase: secret(s('TOKENGATE_IMPORT_PASSPHRASE', undefined, text, 'PBKDF2 passphrase of an encrypted PSKC file, when `--passphrase` is not given', 'none')),
} as const;

// ---- reading -----------------------------------------------------------------------------

type Table = { readonly [key: string]: Setting<unknown> | Table };
/** The values of a table: a setting without a default may be undefined. */
export type ValuesOf<T> = {
  readonly [K in keyof T]: T[K] extends Setting<infer V>
    ? (T[K] extends { fallback: string } ? V : V | undefined)
    : ValuesOf<T[K]>;
};

export type Config = ValuesOf<typeof SETTINGS>;
export type ClientConfig = ValuesOf<typeof CLIENT_SETTINGS>;
export type RateLimitSettings = Config['rateLimits'];
export type RealtimeSettings = Config['realtime'];

const isSetting = (x: Setting<unknown> | Table): x is Setting<unknown> => typeof (x as Setting<unknown>).env === 'string';

/** Every setting of a table, flat (for the README check and the docs). */
export function settingsOf(table: Table = SETTINGS): Setting<unknown>[] {
  return Object.values(table).flatMap((x) => (isSetting(x) ? [x] : settingsOf(x)));
}

function readTable(table: Table, env: NodeJS.ProcessEnv, errors: ConfigError[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(table)) {
    if (!isSetting(entry)) {
      out[key] = readTable(entry, env, errors);
      continue;
    }
    const raw = env[entry.env] || entry.fallback;
    if (raw === undefined) continue;
    const value = entry.type.parse(raw);
    if (value === undefined) errors.push(new ConfigError(entry.env, entry.type.form, entry.secret ? undefined : raw));
    else out[key] = value;
  }
  return out;
}

function load<T>(table: Table, env: NodeJS.ProcessEnv): T {
  const errors: ConfigError[] = [];
  const values = readTable(table, env, errors);
  if (errors.length) throw errors[0]; // the first bad one, in table order: one line
  return values as T;
}

/** The server's settings, all checked: a bad value throws a ConfigError naming its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return load<Config>(SETTINGS, env);
}

/** Every setting at its default, whatever the environment says (tests, and deps left out). */
export function defaultConfig(): Config {
  return load<Config>(SETTINGS, {});
}

export function loadClientConfig(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  return load<ClientConfig>(CLIENT_SETTINGS, env);
}

/** The master key as the settings read it (for keys typed on the command line or kept in a file). */
export function parseMasterKey(raw: string, source = 'TOKENGATE_MASTER_KEY'): Buffer {
  const key = masterKey.parse(raw);
  if (!key) throw new ConfigError(source, masterKey.form, undefined);
  return key;
}
