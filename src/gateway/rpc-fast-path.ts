import type { Express, Request, Response } from 'express';
import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../contract/method';
import type { AppError } from '../errors';
import { bodyParserError, parseJsonBody } from './http-body';
import { RpcHandler, rpcErrorResponse, RpcReply } from './rpc-handler';
import { newRequestId } from './request-id';
import { retryAfterOfRpc } from './retry-after';
import { expressView, pathOf } from './request-view';

/** The one route the fast path takes: what express's `router.post('/rpc')` matches (any case, one optional trailing slash). */
const RPC_PATH = /^\/rpc\/?$/i;

export interface FastRpcDeps {
  app: Express;
  handle: RpcHandler;
  bodyLimit: string;
  resolveCaller: (req: Request) => Promise<Caller | null>;
}

/**
 * POST /rpc straight from node:http, in front of express. The verify hot paths are a
 * few statements each, so express's router, per-request prototype swaps and ETag hashing
 * were a tenth of the server's CPU (issue 13's profile). The answers are express's
 * route's (rpc-route.ts) byte for byte, minus the ETag, which no client can use on a POST.
 *
 * What the route relied on is reused, not re-implemented: body-parser's raw reader (limit,
 * Content-Length checks, draining a refused body), and express's own request object, made
 * only when a call needs the client IP or protocol, so "trust proxy" is decided by express.
 *
 * Returns false, leaving the request untouched, for everything else — and for a
 * compressed body, which the express route (still mounted) inflates.
 */
export function fastRpcPath(deps: FastRpcDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const readRaw = express.raw({ type: () => true, limit: deps.bodyLimit });
  return (req, res) => {
    if (req.method !== 'POST' || !RPC_PATH.test(pathOf(req)) || !isIdentity(req.headers['content-encoding'])) return false;
    const requestId = newRequestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    readRaw(req as Request, res as Response, (err?: unknown) => {
      void answer(deps, req, res, requestId, err).catch((failure: unknown) => {
        // As express's error handler on /rpc did for anything the route threw.
        if (!res.headersSent) send(res, rpcErrorResponse(null, bodyParserError(failure)));
      });
    });
    return true;
  };
}

async function answer(deps: FastRpcDeps, req: IncomingMessage, res: ServerResponse, requestId: string, readError: unknown) {
  if (readError) return send(res, rpcErrorResponse(null, bodyParserError(readError)));
  let body: unknown;
  try {
    body = parseJsonBody(req as Request);
  } catch (err) {
    return send(res, rpcErrorResponse(null, err as AppError));
  }
  // express's view of the request is made only for a call that needs its IP or protocol
  // (an uncached credential, a link): the verify hot paths never do.
  let view: Request | undefined;
  const viewOf = () => (view ??= expressView(req, deps.app));
  // The x-request-id header carries the id; a batch's calls get it as their prefix.
  const reply = await deps.handle(body, {
    authenticate: () => deps.resolveCaller(viewOf()), baseUrl: () => `${viewOf().protocol}://${req.headers.host ?? 'localhost'}`, correlationId: requestId,
  });
  send(res, reply);
}

/** What express's res.json() / res.status(204).end() wrote, without the ETag. */
function send(res: ServerResponse, reply: RpcReply): void {
  if (!reply) {
    res.statusCode = 204;
    res.end();
    return;
  }
  const retryAfter = retryAfterOfRpc(reply);
  if (retryAfter) res.setHeader('Retry-After', retryAfter);
  const text = JSON.stringify(reply);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}


function isIdentity(encoding: string | undefined): boolean {
  return encoding === undefined || encoding.toLowerCase() === 'identity';
}
