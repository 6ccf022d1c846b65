import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { RawData, WebSocket, WebSocketServer } from 'ws';
import type { TokengateApp } from '../app';
import { AppError, E } from '../errors';
import { readCredential } from '../gateway/credentials';
import { exposeError } from '../gateway/error-out';
import { baseUrlOf } from '../gateway/http-body';
import { parseJsonText } from '../gateway/json-limits';
import { createRpcHandler, isRpcId, refuseOutOfBounds, RpcReply, rpcErrorResponse } from '../gateway/rpc-handler';
import type { RealtimeSettings } from '../config';
import { ConnectionSlots, idleTimer, SocketSession } from './socket-session';
import { expressView } from '../gateway/request-view';
import { accessTokenOf, refuseWithError } from './upgrade-request';

/** Close codes beside the standard ones (1001 going away, 1009 too big). */
export const WS_CLOSE = { IDLE: 4408, CREDENTIAL_LOST: 4401, SHUTDOWN: 1001 } as const;

/** At the connection limit or shutting down: the catalog's 503, so clients handle it as any other outage. */
const unavailable = (reason: 'NO_FREE_CONNECTION' | 'SHUTTING_DOWN') =>
  AppError.of(E.SERVICE_UNAVAILABLE, { retryAfter: 5, reason }, reason === 'SHUTTING_DOWN' ? 'The server is shutting down; retry later' : 'No free connection; retry later');

export interface WsEndpoint {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/**
 * GET /ws: JSON-RPC 2.0 over a WebSocket, each text message one call or a batch, run
 * by the same handler as POST /rpc (pipeline, audit). The caller authenticates in the
 * upgrade request, as on HTTP; without valid credentials the upgrade is answered 401
 * and no socket is opened.
 */
export function createWsEndpoint(app: TokengateApp, settings: RealtimeSettings, slots: ConnectionSlots): WsEndpoint {
  const { checkCredential, log } = app.gateway;
  const handle = createRpcHandler(app.gateway.pipeline, app.gateway.rpcLimits);
  const wss = new WebSocketServer({
    noServer: true, clientTracking: false, maxPayload: settings.maxMessageBytes, perMessageDeflate: false,
  });
  const sessions = new Map<WebSocket, SocketSession & { alive: boolean }>();
  let closing = false;

  // One timer for every socket: a peer that has not answered the last ping is gone.
  const heartbeat = setInterval(() => {
    for (const [ws, session] of sessions) {
      if (!session.alive) ws.terminate();
      else { session.alive = false; ws.ping(); }
    }
  }, settings.heartbeatMs).unref();

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    socket.on('error', () => {}); // a client that resets mid-handshake is not our error
    if (closing || slots.full) return refuseWithError(socket, unavailable(closing ? 'SHUTTING_DOWN' : 'NO_FREE_CONNECTION'));
    slots.take();
    socket.once('close', () => slots.release());
    const request = expressView(req, app.gateway.express);
    const session = Object.assign(new SocketSession(checkCredential, request.ip ?? 'unknown', baseUrlOf(request), settings), { alive: true });
    try {
      const credential = readCredential(request) ?? accessTokenOf(req);
      if (!credential || !(await session.signIn(credential))) return refuseWithError(socket, AppError.of(E.UNAUTHENTICATED));
    } catch (err) {
      return refuseWithError(socket, exposeError(err, log, { route: 'GET /ws' }));
    }
    if (closing) return refuseWithError(socket, unavailable('SHUTTING_DOWN')); // shutdown began while we checked
    if (!socket.destroyed) wss.handleUpgrade(req, socket, head, (ws) => open(ws, session));
  }

  function open(ws: WebSocket, session: SocketSession & { alive: boolean }) {
    sessions.set(ws, session);
    log.debug({ caller: session.who, transport: 'ws' }, 'realtime: socket opened');
    const idle = idleTimer(settings.idleTimeoutMs, () => (session.queue.busy ? idle.touch() : ws.close(WS_CLOSE.IDLE, 'idle timeout')));
    const send = (reply: RpcReply) => {
      if (!reply || ws.readyState !== WebSocket.OPEN) return;
      ws.send(JSON.stringify(reply));
      // Replies the client does not read pile up here; past the cap it is dropped, not waited for.
      if (ws.bufferedAmount > settings.maxBufferedBytes) {
        log.warn({ caller: session.who, bufferedAmount: ws.bufferedAmount }, 'realtime: slow reader dropped');
        ws.terminate();
      }
    };

    ws.on('pong', () => { session.alive = true; });
    ws.on('error', (err) => log.debug({ err }, 'realtime: websocket error'));
    ws.on('close', (code) => {
      log.debug({ caller: session.who, transport: 'ws', code }, 'realtime: socket closed');
      sessions.delete(ws);
      session.queue.clear();
      idle.stop();
    });
    ws.on('message', (data) => {
      idle.touch();
      if (closing) return; // shutting down: not run, and the socket closes with 1001
      let message: unknown;
      try {
        message = parseJsonText(textOf(data));
      } catch (err) {
        return send(rpcErrorResponse(null, err as AppError));
      }
      const correlationId = randomUUID();
      const accepted = session.queue.offer(async () => {
        send(await handle(message, { authenticate: session.authenticate, baseUrl: () => session.baseUrl, correlationId }));
        if (session.lost) ws.close(WS_CLOSE.CREDENTIAL_LOST, 'credentials no longer valid');
      });
      // Unqueued: one RATE_LIMITED per call, unless the message is refused whole anyway (a
      // batch over the limit would otherwise turn into thousands of replies).
      if (!accepted) send(refuseOutOfBounds(message, app.gateway.rpcLimits) ?? refusal(message, settings));
    });
  }

  return {
    handleUpgrade: (req, socket, head) => void handleUpgrade(req, socket, head),
    async close() {
      closing = true;
      clearInterval(heartbeat);
      await Promise.all([...sessions.values()].map((s) => s.queue.idle()));
      await Promise.all([...sessions.keys()].map((ws) => closeGently(ws)));
    },
  };
}

/** A message refused because the socket's queue is full: RATE_LIMITED for each call that has an id. */
function refusal(message: unknown, settings: RealtimeSettings): RpcReply {
  const err = AppError.of(E.RATE_LIMITED, { maxInFlight: settings.maxInFlight, maxQueued: settings.maxQueued });
  const idOf = (call: unknown) => (typeof call === 'object' && call !== null && 'id' in call ? (call as { id: unknown }).id : undefined);
  const replies = (Array.isArray(message) ? message : [message])
    .map(idOf).filter(isRpcId)
    .map((id) => rpcErrorResponse(id, err));
  if (Array.isArray(message)) return replies.length ? replies : null;
  return replies[0] ?? null;
}

function textOf(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return (Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)).toString('utf8');
}

/** 1001 and a moment for the client's close frame; then the connection is cut. */
function closeGently(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const cut = setTimeout(() => ws.terminate(), 1000);
    ws.once('close', () => { clearTimeout(cut); resolve(); });
    ws.close(WS_CLOSE.SHUTDOWN, 'server shutting down');
  });
}
