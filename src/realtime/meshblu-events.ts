import { randomUUID } from 'node:crypto';
import type { AppError } from '../errors';
import type { Pipeline } from '../gateway/pipeline';
import type { SocketSession } from './socket-session';

export interface MeshbluRoute { method: string; reply?: (result: any) => unknown }

/**
 * The Socket.IO events of Meshblu's device API this server answers, each run as its
 * method through the one pipeline. `reply` shapes the result as Meshblu clients read
 * it (node-meshblu-socket.io's README); without it the method's result is the reply.
 */
export const MESHBLU_EVENTS: Readonly<Record<string, MeshbluRoute>> = {
  /** → {uuid, token, createdAt} */
  generateAndStoreToken: { method: '/device/generateAndStoreToken' },
  /** → {revoked: 0|1}; Meshblu's callback takes no result, so clients ignore it. */
  revokeToken: { method: '/device/revokeToken' },
  /** → {device: {uuid, token}}: Meshblu wraps the device with its new root token. */
  resetToken: { method: '/device/resetToken', reply: (result) => ({ device: result }) },
};

/** Meshblu's Socket.IO API answers "not there" and "not yours" alike, and as Forbidden (HTTP says 404). */
const FORBIDDEN_ON_THIS_TRANSPORT = new Set(['DEVICE_NOT_FOUND', 'FORBIDDEN']);

/**
 * A failed call as a Meshblu callback argument: `{error}` and never a result. Beside
 * Meshblu's error string, `name` (and `data`) carry the catalog error, except for the
 * Forbidden case, which must not say which of the two it was.
 */
export function meshbluError(err: AppError): { error: string; name?: string; data?: Record<string, unknown> } {
  if (FORBIDDEN_ON_THIS_TRANSPORT.has(err.errorName)) return { error: 'Forbidden' };
  const data = err.data && Object.keys(err.data).length ? { data: err.data } : {};
  return { error: err.message, name: err.errorName, ...data };
}

/** One event as its method, through the pipeline (authentication, validation, audit); the callback's argument. */
export async function runMeshbluEvent(pipeline: Pipeline, route: MeshbluRoute, params: unknown, session: SocketSession): Promise<unknown> {
  try {
    const result = await pipeline({
      methodName: route.method, params, authenticate: session.authenticate,
      settings: { baseUrl: session.baseUrl }, correlationId: randomUUID(),
    });
    return route.reply ? route.reply(result) : result;
  } catch (err) {
    return meshbluError(err as AppError); // the pipeline lets only AppErrors out
  }
}
