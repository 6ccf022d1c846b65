import { errorCatalog, type ErrorName } from './generated/errors';

/**
 * Names the client gives failures that never reached a tokengate envelope:
 * NETWORK_ERROR (no reply: connection refused, DNS, reset) and HTTP_ERROR (a reply that is
 * not tokengate's, e.g. a proxy's 502 page or a wrong URL).
 */
export type ClientErrorName = 'NETWORK_ERROR' | 'HTTP_ERROR';

/** A catalog name, a client-side name, or a name from a server newer than this client. */
export type TokengateErrorName = ErrorName | ClientErrorName | (string & {});

/**
 * Every failure of a call: `name` is the stable catalog name to match on
 * (`err.name === 'TOKEN_NOT_FOUND'`), `code` its number (the same in both envelopes),
 * `status` its HTTP status, `data` the details the server sent (e.g. data.errors).
 */
export class TokengateError extends Error {
  override readonly name: TokengateErrorName;
  readonly code: number;
  readonly status: number;
  readonly data: Record<string, unknown>;

  constructor(name: TokengateErrorName, message: string, opts: { code?: number; status?: number; data?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    const known = (errorCatalog as Record<string, { code: number; status: number }>)[name];
    this.name = name;
    this.code = opts.code ?? known?.code ?? 0;
    this.status = opts.status ?? known?.status ?? 0;
    this.data = opts.data ?? {};
  }

  /** From a JSON-RPC error object: data.name is the catalog name, the rest of data the details. */
  static fromRpc(error: { code: number; message: string; data?: Record<string, unknown> }): TokengateError {
    const { name, ...data } = error.data ?? {};
    return new TokengateError(typeof name === 'string' ? name : 'INTERNAL', error.message, { code: error.code, data });
  }

  /** From the legacy envelope {error: N, message, name, data} and its HTTP status. */
  static fromRest(body: { error: number; message: string; name: string; data?: Record<string, unknown> }, status: number): TokengateError {
    return new TokengateError(body.name, body.message, { code: body.error, status, data: body.data ?? {} });
  }
}

/** `err` is a TokengateError (with that name, when one is given). */
export function isTokengateError(err: unknown, name?: TokengateErrorName): err is TokengateError {
  return err instanceof TokengateError && (name === undefined || err.name === name);
}
