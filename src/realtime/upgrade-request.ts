import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import type { Credential } from '../gateway/credentials';
import type { AppError } from '../errors';
import { legacyErrorBody } from '../gateway/legacy-envelope';
import { retryAfterOf } from '../gateway/retry-after';

/**
 * `?access_token=<API key>` (RFC 6750 §2.3) for browsers, whose WebSocket API cannot set
 * an Authorization header. Query strings end up in proxy logs, so headers are preferred.
 */
export function accessTokenOf(req: IncomingMessage): Credential | null {
  const key = new URL(req.url ?? '/', 'http://localhost').searchParams.get('access_token');
  return key ? { type: 'bearer', key } : null;
}

/** Answers an upgrade request with a plain HTTP error, so no socket is ever opened. */
export function refuseUpgrade(socket: Duplex, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const text = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close', 'Content-Type: application/json; charset=utf-8', `Content-Length: ${Buffer.byteLength(text)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
}

/** The legacy REST error envelope, the body of a refused upgrade; Retry-After when the error carries one. */
export function refuseWithError(socket: Duplex, err: AppError): void {
  const retryAfter = retryAfterOf(err);
  refuseUpgrade(socket, err.status, legacyErrorBody(err),
    retryAfter ? { 'Retry-After': retryAfter } : {});
}
