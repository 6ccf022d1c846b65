/**
 * Whether an error means "the database cannot be reached" (the call may succeed if
 * retried), as opposed to a bug (bad SQL, a constraint, a type error), which stays
 * INTERNAL. Only errors that say so by their code or by node-postgres's own wording
 * count: a connection refused, reset or cut, the server shutting down or starting up,
 * no free connection in time, no host of a multi-host URL taking writes (08001, db/multi-host.ts)
 * or a standby refusing a write: everything a failover produces (SPEC §12).
 */
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** SQLSTATE class 08 (connection exception, but not 08P01 protocol_violation, a bug) and codes (PostgreSQL appendix A) that say the server, not the statement, failed. */
const SQLSTATES = new Set([
  '57P01', // admin_shutdown: terminating connection due to administrator command
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up, shutting down, in recovery
  '53300', // too_many_connections
  '57P05', // idle_session_timeout: the server ended the session
  // read_only_sql_transaction: a standby answered a write. tokengate only connects to a host
  // that takes writes (db/multi-host.ts), so this is a primary demoted under it (a switchover):
  // retry, a new connection finds the new primary.
  '25006',
]);

/** node-postgres and pg-pool throw these as plain Errors without a code. */
const DRIVER_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect$/, // pg-pool: no free connection within connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
  /^Query read timeout$/, // a hot statement unanswered (db/hot-lane.ts): its connection is dropped
];

export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (typeof err !== 'object' || err === null || depth > 3) return false;
  const { code, message, errors } = err as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (NODE_CODES.has(code) || SQLSTATES.has(code) || (code.startsWith('08') && code !== '08P01'))) return true;
  if (typeof message === 'string' && DRIVER_MESSAGES.some((m) => m.test(message))) return true;
  // node's happy-eyeballs connect fails with an AggregateError of its attempts.
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => isDatabaseUnavailable(e, depth + 1));
}
