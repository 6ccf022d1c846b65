import express, { NextFunction, Request, Response, Router } from 'express';
import type { Caller } from '../contract/method';
import { AppError } from '../errors';
import type { Registry } from './registry';
import { baseUrlOf, bodyParserError, parseJsonBody } from './http-body';
import type { Pipeline } from './pipeline';
import { requestIdOf } from './request-id';
import { retryAfterOf } from './retry-after';

/**
 * POST /rest/<object>/<method> (and under /das5/rest/): the legacy DualShield
 * envelope {error: 0, result} or {error: N, message, name, data} with the catalog's
 * HTTP status. A text/csv body is streamed to the method; query parameters become attrs.
 */
export function restRouter(pipeline: Pipeline, registry: Registry, opts: { bodyLimit: string; resolveCaller: (req: Request) => Promise<Caller | null> }): Router {
  const router = express.Router();
  const jsonBody = express.raw({ type: () => true, limit: opts.bodyLimit });
  const parseUnlessStreamed = (req: Request, res: Response, next: NextFunction) =>
    (isCsv(req) ? next() : jsonBody(req, res, next));

  router.post(['/rest/:object/:method', '/das5/rest/:object/:method'], parseUnlessStreamed, async (req: Request, res: Response) => {
    const methodName = `/${req.params.object}/${req.params.method}`;
    try {
      const streamed = isCsv(req);
      const result = await pipeline({
        methodName,
        params: streamed ? { attrs: queryAsAttrs(req.query) } : parseJsonBody(req),
        authenticate: () => opts.resolveCaller(req),
        settings: { baseUrl: baseUrlOf(req) },
        upload: streamed ? { stream: req, charset: charsetOf(req) } : undefined,
        correlationId: requestIdOf(res),
      });
      const render = registry.get(methodName)?.module.renderAs;
      const mediaType = render && req.accepts(['application/json', ...Object.keys(render)]);
      if (render && typeof mediaType === 'string' && render[mediaType]) {
        return void res.type(mediaType).send(await render[mediaType](result as never, { settings: { baseUrl: baseUrlOf(req) } }));
      }
      res.json({ error: 0, result: result ?? null });
    } catch (err) {
      sendError(res, err as AppError);
    }
  });
  router.use(['/rest', '/das5/rest'], (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendError(res, bodyParserError(err));
  });
  return router;
}

function sendError(res: Response, err: AppError) {
  if (res.headersSent) return void res.end();
  const retryAfter = retryAfterOf(err);
  if (retryAfter) res.setHeader('Retry-After', retryAfter);
  res.status(err.status).json({ error: err.code, message: err.message, name: err.errorName, data: err.data ?? {} });
}

function isCsv(req: Request): boolean {
  return req.is('text/csv') === 'text/csv';
}

function charsetOf(req: Request): string | undefined {
  return /charset=([^;]+)/i.exec(req.get('content-type') ?? '')?.[1]?.trim().replace(/^"|"$/g, '');
}

/** Query strings carry only text; "true"/"false" mean booleans for the schema. */
function queryAsAttrs(query: Request['query']): Record<string, unknown> {
  const attrs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    attrs[k] = v === 'true' ? true : v === 'false' ? false : v;
  }
  return attrs;
}
