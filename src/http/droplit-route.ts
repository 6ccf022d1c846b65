import express, { Request, Response, Router } from 'express';
import { exposeError } from '../gateway/error-out';
import { retryAfterOf } from '../gateway/retry-after';
import { baseUrlOf } from '../gateway/http-body';
import { requestIdOf } from '../gateway/request-id';
import { AppError, E } from '../errors';
import type { HttpDeps } from './types';

/**
 * Droplit's "Generate a user token" for existing clients:
 * POST (or PUT, as Droplit's reference lists it) /api/users/{ecosystemId};{userId}/tokens?expiryType=&ttl=
 * → 200 {"token"}, or the status of the catalog error with Droplit's error structure
 * {errorType, name, errors: [{in, message, path}]}. The work is /user/createToken run
 * through the one pipeline (authentication, validation, audit), so both answer alike.
 */
const PATH_FIELDS = new Set(['ecosystemId', 'id']);

export function droplitRouter({ pipeline, resolveCaller, log }: HttpDeps): Router {
  const router = express.Router();
  router.all('/api/users/:ids/tokens', async (req: Request, res: Response, next) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return next();
    // One id for the reply's x-request-id, the pipeline's log lines and an INTERNAL error's data.
    const correlationId = requestIdOf(res);
    const ids = String(req.params.ids);
    const split = ids.indexOf(';');
    const [ecosystemId, id] = split < 0 ? [ids, ''] : [ids.slice(0, split), ids.slice(split + 1)];
    try {
      // The ids come from the path only; the same names in the query are fields this route does not take.
      const clash = Object.keys(req.query).filter((k) => PATH_FIELDS.has(k));
      if (clash.length) {
        throw AppError.of(E.QUERY_FIELD_NOT_ALLOWED, { errors: clash.map((k) => ({ path: '/', message: `must NOT have additional properties (${k})` })) });
      }
      const result = await pipeline({
        methodName: '/user/createToken',
        params: { ...queryParams(req.query), ecosystemId, id },
        authenticate: () => resolveCaller(withBearerScheme(req)),
        settings: { baseUrl: baseUrlOf(req) },
        correlationId,
      });
      res.json(result);
    } catch (err) {
      const appError = exposeError(err, log.child({ correlationId }), { route: 'Droplit user token' }, correlationId);
      const retryAfter = retryAfterOf(appError);
      if (retryAfter) res.setHeader('Retry-After', retryAfter);
      res.status(appError.status).json(droplitError(appError));
    }
  });
  return router;
}

/** Query values are text; ttl is a number to the schema, so "60" becomes 60 (anything else stays and fails as TOKEN_DURATION_INVALID). */
function queryParams(query: Request['query']): Record<string, unknown> {
  const params: Record<string, unknown> = { ...query };
  if (typeof params.ttl === 'string' && /^[+-]?\d+(\.\d+)?$/.test(params.ttl)) params.ttl = Number(params.ttl);
  return params;
}

/**
 * Droplit clients send the bare key ("Authorization: <key>"); the gateway's credential
 * check (and its limit on failed checks) reads "Bearer <key>", so a bare key is given that scheme.
 */
function withBearerScheme(req: Request): Request {
  const header = req.get('authorization')?.trim();
  if (header && /^\S+$/.test(header)) req.headers.authorization = `Bearer ${header}`;
  return req;
}

const ERROR_TYPES: Record<number, string> = { 400: 'InvalidParameters', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 429: 'TooManyRequests' };

/** Where a catalog error without a field list points. */
const LOCATION: Record<string, { in: string; path: string }> = {
  ECOSYSTEM_INVALID: { in: 'path', path: 'ecosystemId' },
  ECOSYSTEM_NOT_FOUND: { in: 'path', path: 'ecosystemId' },
  USER_INVALID: { in: 'path', path: 'id' },
  USER_NOT_FOUND: { in: 'path', path: 'id' },
  TOKEN_DURATION_INVALID: { in: 'query', path: 'ttl' },
  TOKEN_EXPIRATION_TYPE_INVALID: { in: 'query', path: 'expiryType' },
  UNAUTHENTICATED: { in: 'header', path: 'authorization' },
  FORBIDDEN: { in: 'header', path: 'authorization' },
  RATE_LIMITED: { in: 'header', path: 'authorization' },
};

function droplitError(err: AppError) {
  const listed = (err.data?.errors ?? []) as Array<{ path: string; message: string }>;
  const errors = listed.length
    ? listed.map((e) => ({ ...locate(e), message: e.message }))
    : [{ ...(LOCATION[err.errorName] ?? { in: 'request', path: '' }), message: err.message }];
  return { errorType: ERROR_TYPES[err.status] ?? 'ServerError', name: err.errorName, errors };
}

/**
 * Where an entry of data.errors points. ajv reports an unknown field as
 * "must NOT have additional properties (name)" and a missing one as "must have
 * required property 'name'", both at the root: the name is read from the message.
 */
function locate(e: { path: string; message: string }): { in: string; path: string } {
  const unknown = /\(([^)]+)\)$/.exec(e.message);
  if (unknown) return { in: 'query', path: unknown[1] };
  const field = e.path !== '/' ? e.path.slice(1) : /'([^']+)'$/.exec(e.message)?.[1] ?? '';
  return { in: PATH_FIELDS.has(field) ? 'path' : 'query', path: field };
}
