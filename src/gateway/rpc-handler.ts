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

export type RpcId = string | number | null;
export interface RpcError { code: number; message: string; data?: Record<string, unknown> }
/** A JSON-RPC 2.0 response object: a result or an error, never both. */
export type RpcResponse =
  | { jsonrpc: '2.0'; id: RpcId; result: unknown; error?: undefined }
  | { jsonrpc: '2.0'; id: RpcId; error: RpcError; result?: undefined };
/** A reply to send; null when the message held only notifications. */
export type RpcReply = RpcResponse | RpcResponse[] | null;
export type RpcHandler = (message: unknown, ctx: RpcContext) => Promise<RpcReply>;

export interface RpcLimits {
  /** Most calls in one batch (TOKENGATE_RPC_BATCH_MAX); a longer batch is refused whole, unrun. */
  batchMax: number;
}

/** A call as JSON-RPC 2.0 defines one: a request object, or a notification without `id`. */
interface RpcCall { jsonrpc: '2.0'; method: string; params?: unknown; id?: RpcId }

/**
 * JSON-RPC 2.0 for every transport (POST /rpc, GET /ws): each call goes through the one
 * pipeline, and its outcome is the response (none for a notification). A batch runs one
 * call after another, in order, and is always answered with an array. What is not a call
 * (no `"jsonrpc": "2.0"`, a method that is not a string, an id that is neither string,
 * number nor null, a result or error member) is INVALID_REQUEST, with its id when it has
 * a usable one, and runs nothing.
 *
 * Before any call runs, the message as a whole is bounded: a batch longer than
 * `batchMax` is INVALID_REQUEST (data.max), and a message nested deeper than its params
 * may be is INVALID_PARAMS (data.max), both answered once, with the call's id when it
 * was a single call. One request can thus neither hold a connection for thousands of
 * calls nor reach a recursion with hostile nesting (an echoed id, say).
 */
export function createRpcHandler(pipeline: Pipeline, limits: RpcLimits): RpcHandler {
  const answer = async (call: unknown, ctx: RpcContext): Promise<RpcResponse | null> => {
    if (!isCall(call)) return rpcErrorResponse(usableId(call), AppError.of(E.INVALID_REQUEST));
    const { id } = call;
    try {
      const result = await pipeline({
        methodName: call.method, params: call.params,
        authenticate: ctx.authenticate, settings: { get baseUrl() { return ctx.baseUrl(); } }, correlationId: ctx.correlationId,
      });
      return id === undefined ? null : { jsonrpc: '2.0', id, result: result ?? null };
    } catch (err) {
      return id === undefined ? null : rpcErrorResponse(id, err as AppError);
    }
  };

  return async (message, given) => {
    const ctx = { ...given, authenticate: once(given.authenticate) };
    const outOfBounds = refuseOutOfBounds(message, limits);
    if (outOfBounds) return outOfBounds;
    if (!Array.isArray(message)) return answer(message, ctx);
    if (message.length === 0) return rpcErrorResponse(null, AppError.of(E.INVALID_REQUEST));
    const replies: RpcResponse[] = [];
    for (const [index, call] of message.entries()) {
      const reply = await answer(call, { ...ctx, correlationId: `${ctx.correlationId}-${index + 1}` });
      if (reply) replies.push(reply);
    }
    return replies.length ? replies : null;
  };
}

export function rpcErrorResponse(id: RpcId, err: AppError): RpcResponse {
  return { jsonrpc: '2.0', id, error: { code: err.code, message: err.message, data: { name: err.errorName, ...err.data } } };
}

function isCall(value: unknown): value is RpcCall {
  return isPlainObject(value) && value.jsonrpc === '2.0' && typeof value.method === 'string'
    && (value.id === undefined || isRpcId(value.id)) && value.result === undefined && value.error === undefined;
}

export function isRpcId(id: unknown): id is RpcId {
  return typeof id === 'string' || typeof id === 'number' || id === null;
}

/** The id to answer something that is not a call with: its own when that is one an id can be. */
function usableId(value: unknown): RpcId {
  const id = isPlainObject(value) ? value.id : undefined;
  return isRpcId(id) ? id : null;
}

/** The one reply refusing a message too long (batch) or too deep for `limits`; null when it is within them. */
export function refuseOutOfBounds(message: unknown, limits: RpcLimits): RpcResponse | null {
  if (Array.isArray(message) && message.length > limits.batchMax) {
    const text = `A batch may hold at most ${limits.batchMax} calls; this one holds ${message.length}`;
    return rpcErrorResponse(null, AppError.of(E.INVALID_REQUEST, { max: limits.batchMax }, text));
  }
  const tooDeep = findTooDeep(message, MAX_PARAMS_DEPTH + RPC_ENVELOPE_DEPTH);
  return tooDeep === null ? null : rpcErrorResponse(usableId(message), tooDeepError(tooDeep, MAX_PARAMS_DEPTH));
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}
