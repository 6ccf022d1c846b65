import {
  createJSONRPCErrorResponse, createJSONRPCSuccessResponse, JSONRPCErrorCode, JSONRPCResponse, JSONRPCServer,
} from 'json-rpc-2.0';
import type { Caller } from '../contract/method';
import { AppError, E } from '../errors';
import type { Pipeline } from './pipeline';

/** What one JSON-RPC message (a call or a batch) runs with, whatever carried it. */
export interface RpcContext {
  /** Run at most once per message: a batch's calls share its answer. */
  authenticate: () => Promise<Caller | null>;
  baseUrl: string;
  /** The message's id; a batch's calls get `<id>-1`, `<id>-2`, … */
  correlationId: string;
}

/** A reply to send; null when the message held only notifications. */
export type RpcReply = JSONRPCResponse | JSONRPCResponse[] | null;
export type RpcHandler = (message: unknown, ctx: RpcContext) => Promise<RpcReply>;

/**
 * JSON-RPC 2.0 for every transport (POST /rpc, GET /ws). The json-rpc-2.0 server does
 * the protocol (ids, notifications, invalid requests); every call goes through the one
 * pipeline in its middleware. A batch runs one call after another, in order, and is
 * always answered with an array.
 */
export function createRpcHandler(pipeline: Pipeline): RpcHandler {
  const server = new JSONRPCServer<RpcContext>({ errorListener: () => {} });
  server.applyMiddleware(async (_next, request, ctx) => {
    try {
      const result = await pipeline({
        methodName: request.method, params: request.params,
        authenticate: ctx.authenticate, settings: { baseUrl: ctx.baseUrl }, correlationId: ctx.correlationId,
      });
      return request.id === undefined ? null : createJSONRPCSuccessResponse(request.id, result ?? null);
    } catch (err) {
      if (request.id === undefined) return null;
      return rpcErrorResponse(request.id, err as AppError);
    }
  });

  return async (message, given) => {
    const ctx = { ...given, authenticate: once(given.authenticate) };
    if (!Array.isArray(message)) {
      const reply = await server.receive(message as never, ctx);
      return reply ? withErrorName(reply) : null;
    }
    if (message.length === 0) return rpcErrorResponse(null, AppError.of(E.INVALID_REQUEST));
    const replies: JSONRPCResponse[] = [];
    for (const [index, call] of message.entries()) {
      const reply = await server.receive(call, { ...ctx, correlationId: `${ctx.correlationId}-${index + 1}` });
      if (reply) replies.push(withErrorName(reply));
    }
    return replies.length ? replies : null;
  };
}

export function rpcErrorResponse(id: string | number | null, err: AppError): JSONRPCResponse {
  return createJSONRPCErrorResponse(id, err.code, err.message, { name: err.errorName, ...err.data });
}

/** json-rpc-2.0 answers malformed calls itself; give those the catalog name too. */
function withErrorName(reply: JSONRPCResponse): JSONRPCResponse {
  if (!reply.error || reply.error.data?.name) return reply;
  const name = reply.error.code === JSONRPCErrorCode.InvalidRequest ? E.INVALID_REQUEST.name
    : reply.error.code === JSONRPCErrorCode.MethodNotFound ? E.METHOD_NOT_FOUND.name : E.INTERNAL.name;
  return { ...reply, error: { ...reply.error, data: { ...reply.error.data, name } } };
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
