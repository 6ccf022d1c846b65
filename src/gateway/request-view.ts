import type { Express, Request } from 'express';
import type { IncomingMessage } from 'node:http';

/**
 * A request express did not route (an upgrade, a Socket.IO handshake, POST /rpc's fast
 * path) as express reads one: `get()` for headers,
 * and `ip` / `protocol` under the app's "trust proxy" setting, so a socket's client IP
 * (which failed-credential limits key on) is decided exactly as for the routes express serves.
 * A view over the request, not the request itself, which the engines keep using.
 */
export function expressView(req: IncomingMessage, app: Express): Request {
  return Object.create(app.request, {
    headers: { value: req.headers }, socket: { value: req.socket }, url: { value: req.url }, method: { value: req.method },
  }) as Request;
}


/** The path of a request express did not route, without its query string. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
