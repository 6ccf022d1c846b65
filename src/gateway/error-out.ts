import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError, E, isAppError, isUniqueViolation } from '../errors';

/**
 * The one place an arbitrary thrown value becomes something a client may see.
 * Only AppErrors pass; anything else is logged with a correlation id and answered
 * as INTERNAL carrying that id, never its message, stack or SQL.
 */
export function exposeError(err: unknown, log: Logger, context: Record<string, unknown>, correlationId?: string): AppError {
  if (isAppError(err)) return err;
  if (isUniqueViolation(err)) return AppError.of(E.CONFLICT);
  // A caller passing the call's id logs through a child logger that already carries it.
  const id = correlationId ?? randomUUID();
  log.error({ err, ...context, ...(correlationId ? {} : { correlationId: id }) }, 'internal error');
  return AppError.of(E.INTERNAL, { correlationId: id });
}
