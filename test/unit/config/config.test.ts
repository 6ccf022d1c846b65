import { ConfigError, defaultConfig, loadClientConfig, loadConfig } from '../../../src/config';

describe('loadConfig', () => {
  it('when nothing is set then every documented default, times in ms', () => {
    const c = loadConfig({});
    expect({ ...c, dataDir: undefined }).toEqual({
      dataDir: undefined, embeddedPgPort: 54329, port: 8080, host: '0.0.0.0', logLevel: 'info', bodyLimit: '10mb',
      poolSize: 20, pipelinedPoolSize: 1, trustProxy: 'loopback', userTokenMaxTtl: 31_536_000, rpcBatchMax: 100, credentialCacheSize: 10_000, credentialCacheTtlSeconds: 60, auditRetentionDays: 90, preparedStatements: true, dbConnectTimeoutMs: 5_000,
      rateLimits: {
        authFailuresPerIp: { limit: 100, windowSeconds: 300 },
        authFailuresPerDevice: { limit: 20, windowSeconds: 300 },
        verifyFailuresPerUser: { limit: 20, windowSeconds: 300 },
        passwordFailuresPerToken: { limit: 5, windowSeconds: 900 },
      },
      radius: { maxInFlightPerClient: 32, maxEntries: 10_000 },
      realtime: {
        maxConnections: 10_000, maxMessageBytes: 1_048_576, maxInFlight: 8, maxQueued: 64, maxBufferedBytes: 4_194_304,
        heartbeatMs: 30_000, idleTimeoutMs: 600_000, authTimeoutMs: 10_000,
      },
    });
    expect(c.dataDir).toBe(`${process.cwd()}/.data`);
    expect(defaultConfig()).toEqual(c);
  });

  it('when values are set then they are parsed: hex master key, rate limit forms, decimal seconds, 0 turning things off', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u:p@db:5432/tg', PORT: '0', TOKENGATE_EMBEDDED_PG_PORT: '55000',
      TOKENGATE_MASTER_KEY: '00'.repeat(31) + 'ff', TOKENGATE_TRUST_PROXY: '2',
      TOKENGATE_RATE_LIMIT_AUTH_IP: ' 5 / 60s ', TOKENGATE_RATE_LIMIT_AUTH_DEVICE: 'off',
      TOKENGATE_REALTIME_HEARTBEAT_SECONDS: '2.5', TOKENGATE_REALTIME_IDLE_SECONDS: '0', TOKENGATE_REALTIME_MAX_QUEUED: '0',
      TOKENGATE_USER_TOKEN_MAX_TTL: '60',
    });
    expect([c.databaseUrl, c.port, c.embeddedPgPort, c.masterKey?.toString('hex'), c.trustProxy, c.userTokenMaxTtl])
      .toEqual(['postgres://u:p@db:5432/tg', 0, 55000, '00'.repeat(31) + 'ff', 2, 60]);
    expect(c.rateLimits.authFailuresPerIp).toEqual({ limit: 5, windowSeconds: 60 });
    expect(c.rateLimits.authFailuresPerDevice).toBeNull();
    expect([c.realtime.heartbeatMs, c.realtime.idleTimeoutMs, c.realtime.maxQueued]).toEqual([2500, 0, 0]);
    expect(loadConfig({ TOKENGATE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') }).masterKey).toEqual(Buffer.alloc(32, 7));
  });

  it.each([
    ['PORT', '80a', 'PORT must be a whole number from 0 to 65535, got "80a"'],
    ['TOKENGATE_EMBEDDED_PG_PORT', '0', 'TOKENGATE_EMBEDDED_PG_PORT must be a whole number from 1 to 65535, got "0"'],
    ['TOKENGATE_POOL_SIZE', 'many', 'TOKENGATE_POOL_SIZE must be a whole number from 1 to 1000, got "many"'],
    ['TOKENGATE_PIPELINED_POOL_SIZE', '0', 'TOKENGATE_PIPELINED_POOL_SIZE must be a whole number from 1 to 1000, got "0"'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ['TOKENGATE_BODY_LIMIT', 'lots', 'TOKENGATE_BODY_LIMIT must be a size such as 10mb, 512kb or 1048576, got "lots"'],
    ['TOKENGATE_USER_TOKEN_MAX_TTL', '2147483648', 'TOKENGATE_USER_TOKEN_MAX_TTL must be a whole number from 1 to 2147483647, got "2147483648"'],
    ['TOKENGATE_RATE_LIMIT_VERIFY', '5/0', 'TOKENGATE_RATE_LIMIT_VERIFY must be "<attempts>/<seconds>" (e.g. 20/300) or "off", got "5/0"'],
    ['TOKENGATE_RATE_LIMIT_VERIFY', '5', 'TOKENGATE_RATE_LIMIT_VERIFY must be "<attempts>/<seconds>" (e.g. 20/300) or "off", got "5"'],
    ['TOKENGATE_RATE_LIMIT_VERIFY', '5/60/2', 'TOKENGATE_RATE_LIMIT_VERIFY must be "<attempts>/<seconds>" (e.g. 20/300) or "off", got "5/60/2"'],
    ['TOKENGATE_REALTIME_MAX_CONNECTIONS', '0', 'TOKENGATE_REALTIME_MAX_CONNECTIONS must be a whole number from 1 to 1000000, got "0"'],
    ['TOKENGATE_REALTIME_MAX_IN_FLIGHT', '1.5', 'TOKENGATE_REALTIME_MAX_IN_FLIGHT must be a whole number from 1 to 10000, got "1.5"'],
    ['TOKENGATE_REALTIME_AUTH_TIMEOUT_SECONDS', '-1', 'TOKENGATE_REALTIME_AUTH_TIMEOUT_SECONDS must be a number of seconds above 0, got "-1"'],
    ['TOKENGATE_AUDIT_RETENTION_DAYS', '0', 'TOKENGATE_AUDIT_RETENTION_DAYS must be a whole number from 1 to 36500, got "0"'],
    ['TOKENGATE_RPC_BATCH_MAX', '0', 'TOKENGATE_RPC_BATCH_MAX must be a whole number from 1 to 1000000, got "0"'],
    ['TOKENGATE_LISTEN_URL', 'pgbouncer:6432', 'TOKENGATE_LISTEN_URL must be a postgres:// or postgresql:// URL (several hosts as h1:5432,h2:5432; target_session_attrs any, read-write or primary)'],
    ['DATABASE_URL', 'mysql://secret@db', 'DATABASE_URL must be a postgres:// or postgresql:// URL (several hosts as h1:5432,h2:5432; target_session_attrs any, read-write or primary)'],
    ['DATABASE_URL', 'postgres://u:secret@h1,h2/db?target_session_attrs=standby', 'DATABASE_URL must be a postgres:// or postgresql:// URL (several hosts as h1:5432,h2:5432; target_session_attrs any, read-write or primary)'],
    ['DATABASE_URL', 'postgres://u:secret@h1:5432,h2:99999/db', 'DATABASE_URL must be a postgres:// or postgresql:// URL (several hosts as h1:5432,h2:5432; target_session_attrs any, read-write or primary)'],
    ['TOKENGATE_DB_CONNECT_TIMEOUT', '0', 'TOKENGATE_DB_CONNECT_TIMEOUT must be a number of seconds above 0, got "0"'],
    ['TOKENGATE_MASTER_KEY', 'c2VjcmV0', 'TOKENGATE_MASTER_KEY must be 32 bytes, as 64 hex digits or base64'],
  ])('when %s is "%s" then one ConfigError line names it and the form (secrets not repeated)', (name, value, line) => {
    let thrown: unknown;
    try { loadConfig({ [name]: value }); } catch (err) { thrown = err; }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).message).toBe(line);
    expect((thrown as ConfigError).variable).toBe(name);
  });

  it('client settings: the local server unless TOKENGATE_URL says otherwise', () => {
    expect(loadClientConfig({})).toEqual({ url: 'http://localhost:8080' });
    expect(loadClientConfig({ TOKENGATE_URL: 'http://tg:9000', TOKENGATE_KEY: 'tgk_x', TOKENGATE_IMPORT_PASSPHRASE: 'qwerty' }))
      .toEqual({ url: 'http://tg:9000', key: 'tgk_x', importPassphrase: 'qwerty' });
  });
});
