import type { AppError } from '../errors';
import type { RpcReply } from './rpc-handler';

/**
 * The Retry-After header (whole seconds, at least 1) for an error that says when to try
 * again (RATE_LIMITED, SERVICE_UNAVAILABLE carry `data.retryAfter`); undefined otherwise.
 */
export function retryAfterOf(err: AppError): string | undefined {
  return secondsHeader(err.data?.retryAfter);
}

/**
 * A JSON-RPC reply keeps HTTP 200 (SPEC section 1), so the header is the only thing a
 * load balancer or a plain HTTP client can act on: the longest wait any of its calls asks for.
 */
export function retryAfterOfRpc(reply: RpcReply): string | undefined {
  const replies = reply === null ? [] : Array.isArray(reply) ? reply : [reply];
  const waits = replies.map((r) => r.error?.data?.retryAfter).filter((s): s is number => typeof s === 'number');
  return waits.length ? secondsHeader(Math.max(...waits)) : undefined;
}

function secondsHeader(seconds: unknown): string | undefined {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? String(Math.max(1, Math.ceil(seconds))) : undefined;
}
