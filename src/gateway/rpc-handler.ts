import {
  createJSONRPCErrorResponse, createJSONRPCSuccessResponse, JSONRPCErrorCode, JSONRPCResponse, JSONRPCServer,
} from 'json-rpc-2.0';
import type { Caller } from '../contract/method';
import { AppError, E } from '../errors';
import { findTooDeep, MAX_PARAMS_DEPTH, RPC_ENVELOPE_DEPTH, tooDeepError } from './json-limits';
import { isPlainObject } from './normalize';
import type { Pipeline } from './pipeline';

/** What one JSON-RPC message (a call or a batch) runs with, whatever carried it. */
export interface RpcContext {
  /** Run at most once per message: a batch's calls share its answer. */
  authenticate: () => Promise<Caller | null>;
  /** This server's base URL as the client reached it; asked only by the calls that make links. */
  baseUrl: () => string;
  /** The message's id; a batch's calls get `<id>-1`, `<id>-2`, … */
  correlationId: string;
}

/** A reply to send; null when the message held only notifications. */
export type RpcReply = JSONRPCResponse | JSONRPCResponse[] | null;
export type RpcHandler = (message: unknown, ctx: RpcContext) => Promise<RpcReply>;

export interface RpcLimits {
  /** Most calls in one batch (TOKENGATE_RPC_BATCH_MAX); a longer batch is refused whole, unrun. */
  batchMax: number;
}

/**
 * JSON-RPC 2.0 for every transport (POST /rpc, GET /ws). The json-rpc-2.0 server does
 * the protocol (ids, notifications, invalid requests); every call goes through the one
 * pipeline in its middleware. A batch runs one call after another, in order, and is
 * always answered with an array.
 *
 * Before any call runs, the message as a whole is bounded: a batch longer than
 * `batchMax` is INVALID_REQUEST (data.max), and a message nested deeper than its params
 * may be is INVALID_PARAMS (data.max), both answered once, with the call's id when it
 * was a single call. One request can thus neither hold a connection for thousands of
 * calls nor reach a recursion with hostile nesting (an echoed id, say).
 */
export function createRpcHandler(pipeline: Pipeline, limits: RpcLimits): RpcHandler {
  const server = new JSONRPCServer<RpcContext>({ errorListener: () => {} });
  server.applyMiddleware(async (_next, request, ctx) => {
    try {
      const result = await pipeline({
        methodName: request.method, params: request.params,
        authenticate: ctx.authenticate, settings: { get baseUrl() { return ctx.baseUrl(); } }, correlationId: ctx.correlationId,
      });
      return request.id === undefined ? null : createJSONRPCSuccessResponse(request.id, result ?? null);
    } catch (err) {
      if (request.id === undefined) return null;
      return rpcErrorResponse(request.id, err as AppError);
    }
  });

  return async (message, given) => {
    const ctx = { ...given, authenticate: once(given.authenticate) };
    const outOfBounds = refuseOutOfBounds(message, limits);
    if (outOfBounds) return outOfBounds;
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

/** The one reply refusing a message too long (batch) or too deep for `limits`; null when it is within them. */
export function refuseOutOfBounds(message: unknown, limits: RpcLimits): JSONRPCResponse | null {
  if (Array.isArray(message) && message.length > limits.batchMax) {
    const text = `A batch may hold at most ${limits.batchMax} calls; this one holds ${message.length}`;
    return rpcErrorResponse(null, AppError.of(E.INVALID_REQUEST, { max: limits.batchMax }, text));
  }
  const tooDeep = findTooDeep(message, MAX_PARAMS_DEPTH + RPC_ENVELOPE_DEPTH);
  return tooDeep === null ? null : rpcErrorResponse(singleCallId(message), tooDeepError(tooDeep, MAX_PARAMS_DEPTH));
}

/** The id of a single call, to answer a message-level refusal with; a batch's is null. */
function singleCallId(message: unknown): string | number | null {
  const id = isPlainObject(message) ? message.id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
