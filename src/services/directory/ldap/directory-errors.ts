import { ResultCodeError, BusyError, UnavailableError, TimeLimitExceededError, AdminLimitExceededError } from 'ldapts';
import { AppError, E } from '../../../errors';

/** Seconds a client should wait before asking again when the directory cannot answer. */
const DIRECTORY_RETRY_AFTER_SECONDS = 5;

/**
 * True when an error means "the directory cannot answer now" (no connection, a timeout,
 * a closed socket, a server too busy), as opposed to an answer (no such entry, wrong password).
 */
export function isDirectoryOutage(err: unknown): boolean {
  if (err instanceof BusyError || err instanceof UnavailableError || err instanceof TimeLimitExceededError || err instanceof AdminLimitExceededError) return true;
  return isConnectionLost(err);
}

/**
 * True when the connection itself failed (a closed socket, a timeout, TLS), not when the
 * directory answered, even "busy" or "over a limit": only then is the connection dropped
 * and the work tried once more on a fresh one.
 */
export function isConnectionLost(err: unknown): boolean {
  return !(err instanceof ResultCodeError) && !(err instanceof AppError) && !isProgrammingError(err);
}

/** A fault in our own code (a TypeError, say): neither the directory's answer nor its absence, never retried nor called an outage. */
function isProgrammingError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;
}

/** `work` against a directory, an outage become SERVICE_UNAVAILABLE (never a stack or the server's words); anything else passes. */
export async function fromDirectory<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AppError || !isDirectoryOutage(err)) throw err;
    throw AppError.of(E.SERVICE_UNAVAILABLE, { retryAfter: DIRECTORY_RETRY_AFTER_SECONDS, reason: 'DIRECTORY_UNAVAILABLE' },
      'The directory cannot be reached; retry later');
  }
}
