import express, { Request, Response, Router } from 'express';
import {
  createJSONRPCErrorResponse, createJSONRPCSuccessResponse, JSONRPCErrorCode, JSONRPCResponse, JSONRPCServer,
} from 'json-rpc-2.0';
import type { Caller } from '../contract/method';
import { AppError, E } from '../errors';
import { baseUrlOf, bodyParserError, parseJsonBody } from './http-body';
import type { Pipeline } from './pipeline';
import { requestIdOf } from './request-id';

interface ServerParams { authenticate: () => Promise<Caller | null>; baseUrl: string; correlationId: string }

/**
 * POST /rpc: JSON-RPC 2.0. The json-rpc-2.0 server does the protocol (ids,
 * notifications, invalid requests); every call goes through the one pipeline in
 * its middleware. Batches are run here one call after another, in order, and
 * always answered with an array.
 */
export function rpcRouter(pipeline: Pipeline, opts: { bodyLimit: string; resolveCaller: (req: Request) => Promise<Caller | null> }): Router {
  const server = new JSONRPCServer<ServerParams>({ errorListener: () => {} });
  server.applyMiddleware(async (_next, request, sp) => {
    try {
      const result = await pipeline({
        methodName: request.method, params: request.params,
        authenticate: sp.authenticate, settings: { baseUrl: sp.baseUrl }, correlationId: sp.correlationId,
      });
      return request.id === undefined ? null : createJSONRPCSuccessResponse(request.id, result ?? null);
    } catch (err) {
      if (request.id === undefined) return null;
      return errorResponse(request.id, err as AppError);
    }
  });

  const router = express.Router();
  router.post('/rpc', express.raw({ type: () => true, limit: opts.bodyLimit }), async (req: Request, res: Response) => {
    let body: unknown;
    try {
      body = parseJsonBody(req);
    } catch (err) {
      return void res.json(errorResponse(null, err as AppError));
    }
    const requestId = requestIdOf(res);
    const sp = { authenticate: memo(() => opts.resolveCaller(req)), baseUrl: baseUrlOf(req), correlationId: requestId };
    if (Array.isArray(body)) {
      if (body.length === 0) return void res.json(errorResponse(null, AppError.of(E.INVALID_REQUEST)));
      const replies: JSONRPCResponse[] = [];
      for (const [index, call] of body.entries()) {
        // One id per call; the x-request-id header carries the batch's prefix.
        const reply = await server.receive(call, { ...sp, correlationId: `${requestId}-${index + 1}` });
        if (reply) replies.push(withErrorName(reply));
      }
      return void (replies.length ? res.json(replies) : res.status(204).end());
    }
    const reply = await server.receive(body as never, sp);
    if (reply) res.json(withErrorName(reply)); else res.status(204).end();
  });
  router.use('/rpc', (err: unknown, _req: Request, res: Response, _next: unknown) => {
    res.json(errorResponse(null, bodyParserError(err)));
  });
  return router;
}

function errorResponse(id: string | number | null, err: AppError): JSONRPCResponse {
  return createJSONRPCErrorResponse(id, err.code, err.message, { name: err.errorName, ...err.data });
}

/** json-rpc-2.0 answers malformed calls itself; give those the catalog name too. */
function withErrorName(reply: JSONRPCResponse): JSONRPCResponse {
  if (!reply.error || reply.error.data?.name) return reply;
  const name = reply.error.code === JSONRPCErrorCode.InvalidRequest ? E.INVALID_REQUEST.name
    : reply.error.code === JSONRPCErrorCode.MethodNotFound ? E.METHOD_NOT_FOUND.name : E.INTERNAL.name;
  return { ...reply, error: { ...reply.error, data: { ...reply.error.data, name } } };
}

function memo<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
