import { ResultCodeError, BusyError, UnavailableError, TimeLimitExceededError, AdminLimitExceededError } from 'ldapts';
import { AppError, E } from '../../../errors';

/** Seconds a client should wait before asking again when the directory cannot answer. */
export const DIRECTORY_RETRY_AFTER_SECONDS = 5;

/**
 * True when an error means "the directory cannot answer now" (no connection, a timeout,
 * a closed socket, a server too busy), as opposed to an answer (no such entry, wrong password).
 */
export function isDirectoryOutage(err: unknown): boolean {
  if (err instanceof BusyError || err instanceof UnavailableError || err instanceof TimeLimitExceededError || err instanceof AdminLimitExceededError) return true;
  return !(err instanceof ResultCodeError) && !(err instanceof AppError);
}

/** SERVICE_UNAVAILABLE for an outage (never a stack or the server's words); anything else passes. */
export function asDirectoryError(err: unknown): unknown {
  if (err instanceof AppError || !isDirectoryOutage(err)) return err;
  return directoryUnavailable();
}

export function directoryUnavailable(): AppError {
  return AppError.of(E.SERVICE_UNAVAILABLE, { retryAfter: DIRECTORY_RETRY_AFTER_SECONDS, reason: 'DIRECTORY_UNAVAILABLE' },
    'The directory cannot be reached; retry later');
}
