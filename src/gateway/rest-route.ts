import express, { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from 'pino';
import type { Caller, Upload } from '../contract/method';
import { isStreamedList } from '../contract/streamed-list';
import { AppError } from '../errors';
import type { Registry } from './registry';
import type { CredentialSource } from './credentials';
import { baseUrlOf, bodyParserError, parseJsonBody } from './http-body';
import type { Pipeline } from './pipeline';
import { requestIdOf } from './request-id';
import { sendLegacyError, sendLegacyResult, writeStreamedList } from './legacy-envelope';

/** Bodies that are files, streamed to the method as they arrive (no size limit); query parameters become attrs. */
const STREAMED_MEDIA_TYPES = ['text/csv', 'application/pskc+xml', 'application/xml', 'text/xml'];

/**
 * POST /rest/<object>/<method> (and under /das5/rest/): the legacy DualShield
 * envelope {error: 0, result} or {error: N, message, name, data} with the catalog's
 * HTTP status. A file body (STREAMED_MEDIA_TYPES) is streamed to the method; query
 * parameters become attrs. A StreamedList result is written as its rows are read.
 */
export function restRouter(pipeline: Pipeline, registry: Registry, opts: {
  bodyLimit: string; resolveCaller: (req: CredentialSource) => Promise<Caller | null>; log: Logger;
}): Router {
  const router = express.Router();
  const jsonBody = express.raw({ type: () => true, limit: opts.bodyLimit });
  const parseUnlessStreamed = (req: Request, res: Response, next: NextFunction) =>
    (streamedMediaType(req) ? next() : jsonBody(req, res, next));

  router.post(['/rest/:object/:method', '/das5/rest/:object/:method'], parseUnlessStreamed, async (req: Request, res: Response) => {
    const methodName = `/${req.params.object}/${req.params.method}`;
    try {
      const mediaType = streamedMediaType(req);
      const result = await pipeline({
        methodName,
        params: mediaType ? { attrs: queryAsAttrs(req.query) } : parseJsonBody(req),
        authenticate: () => opts.resolveCaller(req),
        settings: { baseUrl: baseUrlOf(req) },
        upload: mediaType ? uploadOf(req, mediaType) : undefined,
        streamsLists: true,
        correlationId: requestIdOf(res),
      });
      if (isStreamedList(result)) return void await writeStreamedList(res, result, opts.log.child({ correlationId: requestIdOf(res) }));
      const render = registry.get(methodName)?.module.renderAs;
      const accepted = render && req.accepts(['application/json', ...Object.keys(render)]);
      if (render && typeof accepted === 'string' && render[accepted]) {
        return void res.type(accepted).send(await render[accepted](result as never, { settings: { baseUrl: baseUrlOf(req) } }));
      }
      sendLegacyResult(res, result);
    } catch (err) {
      sendLegacyError(res, err as AppError);
    }
  });
  router.use(['/rest', '/das5/rest'], (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sendLegacyError(res, bodyParserError(err));
  });
  return router;
}

function streamedMediaType(req: Request): string | undefined {
  const found = req.is(STREAMED_MEDIA_TYPES);
  return typeof found === 'string' ? found : undefined;
}

function uploadOf(req: Request, mediaType: string): Upload {
  return { stream: req, charset: charsetOf(req), mediaType, header: (name) => req.get(name) };
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
