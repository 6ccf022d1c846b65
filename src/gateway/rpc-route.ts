import express, { Request, Response, Router } from 'express';
import type { Caller } from '../contract/method';
import type { AppError } from '../errors';
import { baseUrlOf, bodyParserError, parseJsonBody } from './http-body';
import type { Pipeline } from './pipeline';
import { createRpcHandler, rpcErrorResponse, RpcLimits } from './rpc-handler';
import { requestIdOf } from './request-id';
import { retryAfterOfRpc } from './retry-after';

/** POST /rpc: JSON-RPC 2.0 over HTTP; the protocol itself is rpc-handler.ts, shared with GET /ws. */
export function rpcRouter(
  pipeline: Pipeline, opts: { bodyLimit: string; resolveCaller: (req: Request) => Promise<Caller | null>; rpcLimits: RpcLimits },
): Router {
  const handle = createRpcHandler(pipeline, opts.rpcLimits);
  const router = express.Router();
  router.post('/rpc', express.raw({ type: () => true, limit: opts.bodyLimit }), async (req: Request, res: Response) => {
    let body: unknown;
    try {
      body = parseJsonBody(req);
    } catch (err) {
      return void res.json(rpcErrorResponse(null, err as AppError));
    }
    // The x-request-id header carries the id; a batch's calls get it as their prefix.
    const reply = await handle(body, { authenticate: () => opts.resolveCaller(req), baseUrl: () => baseUrlOf(req), correlationId: requestIdOf(res) });
    const retryAfter = retryAfterOfRpc(reply);
    if (retryAfter) res.setHeader('Retry-After', retryAfter);
    if (reply) res.json(reply); else res.status(204).end();
  });
  router.use('/rpc', (err: unknown, _req: Request, res: Response, _next: unknown) => {
    res.json(rpcErrorResponse(null, bodyParserError(err)));
  });
  return router;
}
