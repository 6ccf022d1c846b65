import type { Express, Request, Response } from 'express';
import express from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../contract/method';
import type { CredentialSource } from './credentials';
import { AppError, E } from '../errors';
import { baseUrlOf, bodyParserError, parseJsonBody } from './http-body';
import { RpcHandler, rpcErrorResponse, RpcReply } from './rpc-handler';
import { newRequestId } from './request-id';
import { retryAfterOfRpc } from './retry-after';
import { expressView, pathOf } from './request-view';

/** The path express's `router.post('/rpc')` would match: any case, one optional trailing slash. */
const RPC_PATH = /^\/rpc\/?$/i;

export interface RpcRouteDeps {
  /** The express app beside it: its "trust proxy" decides a caller's IP and protocol here too. */
  app: Express;
  handle: RpcHandler;
  bodyLimit: string;
  resolveCaller: (req: CredentialSource) => Promise<Caller | null>;
}

/** True for the one request this route answers: POST /rpc. */
export function isRpcRequest(req: IncomingMessage): boolean {
  return req.method === 'POST' && RPC_PATH.test(pathOf(req));
}

/**
 * POST /rpc: JSON-RPC 2.0 over HTTP, as a plain node:http handler (the protocol itself is
 * rpc-handler.ts, shared with GET /ws). It is not an express route because the verify hot
 * paths are a few statements each, and express's router, per-request prototype swaps and
 * ETag hashing were a tenth of the server's CPU (issue 13's profile; issue 25's wrk runs).
 * app.ts sends POST /rpc here and every other request to express, in one listener.
 *
 * What an express route relied on is reused, not re-implemented: body-parser's raw reader
 * (limit, Content-Length checks, inflating gzip/deflate/br, draining a refused body), and
 * express's own request object, made only when a call needs the client IP or protocol, so
 * "trust proxy" is decided by express. No ETag: no client can use one on a POST.
 */
export function rpcRoute(deps: RpcRouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const readRaw = express.raw({ type: () => true, limit: deps.bodyLimit });
  return (req, res) => {
    const requestId = newRequestId(req.headers['x-request-id']);
    res.setHeader('x-request-id', requestId);
    readRaw(req as Request, res as Response, (err?: unknown) => {
      void answer(deps, req, res, requestId, err).catch((failure: unknown) => {
        if (!res.headersSent) send(res, rpcErrorResponse(null, bodyParserError(failure)));
      });
    });
  };
}

async function answer(deps: RpcRouteDeps, req: IncomingMessage, res: ServerResponse, requestId: string, readError: unknown) {
  if (readError) return send(res, rpcErrorResponse(null, bodyParserError(readError)));
  let body: unknown;
  try {
    body = parseJsonBody(req as Request);
    if (body === undefined) throw AppError.of(E.PARSE_ERROR); // an empty body holds no JSON text at all
  } catch (err) {
    return send(res, rpcErrorResponse(null, err as AppError));
  }
  // express's view of the request is made only when it decides something: a forwarded
  // client IP, the protocol of a link. The verify hot paths need neither.
  let view: Request | undefined;
  const viewOf = () => (view ??= expressView(req, deps.app));
  // The x-request-id header carries the id; a batch's calls get it as their prefix.
  const reply = await deps.handle(body, {
    authenticate: () => deps.resolveCaller(credentialSource(req, viewOf)), baseUrl: () => baseUrlOf(viewOf()), correlationId: requestId,
  });
  send(res, reply);
}

/**
 * The request's headers as they came, and its client IP: without X-Forwarded-For that is the
 * socket's peer whatever "trust proxy" says (proxy-addr only walks the forwarded chain), so
 * express is asked only when there is a chain to walk.
 */
function credentialSource(req: IncomingMessage, viewOf: () => Request): CredentialSource {
  return {
    get: (name) => {
      const value = req.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : undefined;
    },
    get ip() {
      return req.headers['x-forwarded-for'] === undefined ? req.socket.remoteAddress : viewOf().ip;
    },
  };
}

/** The JSON-RPC envelope's one writer over HTTP: 200 with the reply, or 204 for notifications only. */
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
