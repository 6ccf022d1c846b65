import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, E, isAppError, isDatabaseUnavailable, isUniqueViolation } from '../errors';

/** Seconds a client should wait before retrying while the database is unreachable (about the pool's connect timeout). */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The one place an arbitrary thrown value becomes something a client may see.
 * Only AppErrors pass; a database that cannot be reached becomes SERVICE_UNAVAILABLE
 * (with retryAfter); anything else is logged with a correlation id and answered
 * as INTERNAL carrying that id, never its message, stack or SQL.
 */
export function exposeError(err: unknown, log: Logger | (() => Logger), context: Record<string, unknown>, correlationId?: string): AppError {
  if (isAppError(err)) return err;
  if (isUniqueViolation(err)) return AppError.of(E.CONFLICT);
  // A caller passing the call's id logs through a child logger that already carries it.
  const id = correlationId ?? randomUUID();
  const logger = typeof log === 'function' ? log() : log;
  if (isDatabaseUnavailable(err)) {
    // Not a bug: clients and load balancers should retry, so say when, and log it as an outage.
    logger.warn({ err, ...context, ...(correlationId ? {} : { correlationId: id }) }, 'database unavailable');
    return AppError.of(E.SERVICE_UNAVAILABLE, { retryAfter: DATABASE_RETRY_AFTER_SECONDS, correlationId: id });
  }
  logger.error({ err, ...context, ...(correlationId ? {} : { correlationId: id }) }, 'internal error');
  return AppError.of(E.INTERNAL, { correlationId: id });
}
