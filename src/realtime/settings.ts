/** Limits of the realtime transports (GET /ws and Socket.IO), per server process. */
export interface RealtimeSettings {
  /** Open sockets of both kinds together; more are refused (HTTP 503 on /ws, a connect error on Socket.IO). */
  readonly maxConnections: number;
  /** Largest message a client may send; a bigger one closes its socket (1009). */
  readonly maxMessageBytes: number;
  /** Calls of one socket run concurrently, at most this many … */
  readonly maxInFlight: number;
  /** … and at most this many more wait their turn; further ones are answered RATE_LIMITED, unrun. */
  readonly maxQueued: number;
  /** Replies a client leaves unread beyond this many bytes: it is a slow reader and is dropped. */
  readonly maxBufferedBytes: number;
  /** Ping period; a peer that does not answer one before the next is dropped. */
  readonly heartbeatMs: number;
  /** A socket that sends nothing for this long is closed (4408); 0 never. */
  readonly idleTimeoutMs: number;
  /** A Socket.IO connection that has not authenticated (identity) after this long is closed. */
  readonly authTimeoutMs: number;
}

const SETTINGS: { readonly [K in keyof RealtimeSettings]: { env: string; fallback: number; unit: 'count' | 'bytes' | 'seconds'; zero?: boolean } } = {
  maxConnections: { env: 'TOKENGATE_REALTIME_MAX_CONNECTIONS', fallback: 10_000, unit: 'count' },
  maxMessageBytes: { env: 'TOKENGATE_REALTIME_MAX_MESSAGE_BYTES', fallback: 1024 * 1024, unit: 'bytes' },
  maxInFlight: { env: 'TOKENGATE_REALTIME_MAX_IN_FLIGHT', fallback: 8, unit: 'count' },
  maxQueued: { env: 'TOKENGATE_REALTIME_MAX_QUEUED', fallback: 64, unit: 'count', zero: true },
  maxBufferedBytes: { env: 'TOKENGATE_REALTIME_MAX_BUFFERED_BYTES', fallback: 4 * 1024 * 1024, unit: 'bytes' },
  heartbeatMs: { env: 'TOKENGATE_REALTIME_HEARTBEAT_SECONDS', fallback: 30, unit: 'seconds' },
  idleTimeoutMs: { env: 'TOKENGATE_REALTIME_IDLE_SECONDS', fallback: 600, unit: 'seconds', zero: true },
  authTimeoutMs: { env: 'TOKENGATE_REALTIME_AUTH_TIMEOUT_SECONDS', fallback: 10, unit: 'seconds' },
};

/** Every limit from the environment (seconds may have decimals); throws on nonsense, at boot. */
export function realtimeSettings(env: NodeJS.ProcessEnv = process.env, overrides: Partial<RealtimeSettings> = {}): RealtimeSettings {
  const out: Record<string, number> = {};
  for (const [key, { env: name, fallback, unit, zero }] of Object.entries(SETTINGS)) {
    const raw = env[name]?.trim();
    const value = raw ? Number(raw) : fallback;
    const whole = unit !== 'seconds';
    if (!Number.isFinite(value) || value < 0 || (value === 0 && !zero) || (whole && !Number.isInteger(value))) {
      throw new Error(`${name} must be a ${whole ? 'whole number' : 'number of seconds'}${zero ? ' (0 for none)' : ' above 0'}, got "${raw}"`);
    }
    out[key] = unit === 'seconds' ? Math.round(value * 1000) : value;
  }
  return { ...(out as unknown as RealtimeSettings), ...overrides };
}
