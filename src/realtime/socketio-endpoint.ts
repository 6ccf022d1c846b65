import cluster from 'node:cluster';
import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Server, Socket } from 'socket.io';
import type { TokengateApp } from '../app';
import type { Caller } from '../contract/method';
import { AppError, E } from '../errors';
import { Credential, readCredential } from '../gateway/credentials';
import { exposeError } from '../gateway/error-out';
import { baseUrlOf } from '../gateway/http-body';
import { MESHBLU_EVENTS, meshbluError, runMeshbluEvent } from './meshblu-events';
import { watchSendBuffer } from './send-buffer';
import type { RealtimeSettings } from '../config';
import { ConnectionSlots, idleTimer, SocketSession } from './socket-session';
import { expressView } from '../gateway/request-view';

export const SOCKET_IO_PATH = '/socket.io';
type Ack = ((reply: unknown) => void) | undefined;

/**
 * Meshblu's Socket.IO device API. A device signs in with uuid/token in the handshake
 * (`auth` or query; Authorization/meshblu headers work too, API keys included) and gets
 * `ready`, or connects bare, is asked to `identify`, and answers with an `identity`
 * event: `ready` {uuid} or `notReady` {error}. Its events run their methods through the
 * one pipeline (audited); each callback gets the result or `{error}`, never both.
 */
export function createSocketIoEndpoint(server: HttpServer, app: TokengateApp, settings: RealtimeSettings, slots: ConnectionSlots) {
  const { pipeline, checkCredential, log } = app.gateway;
  const upgraded = new Set<Duplex>();
  let closing = false;
  const io = new Server(server, {
    path: SOCKET_IO_PATH,
    serveClient: false,
    allowEIO3: true, // Socket.IO v2 clients (Engine.IO protocol 3), as older Meshblu libraries bundle
    // Long-polling needs all requests of a session on one process, which node:cluster does not give.
    transports: cluster.isWorker ? ['websocket'] : ['polling', 'websocket'],
    maxHttpBufferSize: settings.maxMessageBytes,
    pingInterval: settings.heartbeatMs,
    pingTimeout: settings.heartbeatMs,
    connectTimeout: settings.authTimeoutMs,
    destroyUpgrade: false, // GET /ws upgrades are ours, however long their credential check takes
    allowRequest: (_req, answer) => (closing || slots.full ? answer('No free connection; retry later', false) : answer(null, true)),
  });
  io.engine.on('connection', (conn: { once(event: 'close', fn: () => void): void }) => {
    slots.take();
    conn.once('close', () => slots.release());
  });

  io.use((socket, next) => {
    const request = expressView(socket.request, app.gateway.express);
    const session = new SocketSession(checkCredential, request.ip ?? 'unknown', baseUrlOf(request), settings);
    socket.data.session = session;
    const credential = readCredential(request) ?? deviceCredential(socket.handshake.auth) ?? deviceCredential(socket.handshake.query);
    if (!credential) return next(); // Meshblu's identify/identity exchange follows
    session.signIn(credential).then(
      (caller) => next(caller ? undefined : connectError(AppError.of(E.UNAUTHENTICATED))),
      (err) => next(connectError(exposeError(err, log, { route: 'Socket.IO handshake' }))),
    );
  });

  io.on('connection', (socket) => {
    const session = socket.data.session as SocketSession;
    const idle = idleTimer(settings.idleTimeoutMs, () => (session.queue.busy ? idle.touch() : socket.disconnect(true)));
    const signInDeadline = setTimeout(() => { if (!session.caller) socket.disconnect(true); }, settings.authTimeoutMs).unref();
    watchSendBuffer(socket.conn, settings.maxBufferedBytes, () => {
      log.warn({ caller: session.who }, 'realtime: slow reader dropped');
      socket.conn.close(true); // discard what is queued: a graceful close would wait for it to drain
    });

    const offer = (ack: Ack, work: () => Promise<unknown>) => {
      const accepted = session.queue.offer(async () => {
        const reply = await work();
        ack?.(reply);
        if (!session.lost) return;
        socket.emit('notReady', { api: 'connect', status: 401, ...meshbluError(AppError.of(E.UNAUTHENTICATED)) });
        socket.disconnect(true);
      });
      if (!accepted) ack?.(meshbluError(AppError.of(E.RATE_LIMITED, { maxInFlight: settings.maxInFlight, maxQueued: settings.maxQueued })));
    };

    socket.onAny((event: string, ...args: unknown[]) => {
      idle.touch();
      if (closing) return; // shutting down: not run
      const [params, ack] = paramsAndAck(args);
      if (event === 'identity') return offer(ack, () => identify(socket, session, params));
      const route = Object.hasOwn(MESHBLU_EVENTS, event) ? MESHBLU_EVENTS[event] : undefined;
      if (!route) return void ack?.(meshbluError(AppError.of(E.METHOD_NOT_FOUND, { method: event.slice(0, 100) })));
      offer(ack, () => runMeshbluEvent(pipeline, route, params, session));
    });
    socket.on('disconnect', (reason) => {
      log.debug({ caller: session.who, transport: 'socket.io', reason }, 'realtime: socket closed');
      session.queue.clear();
      idle.stop();
      clearTimeout(signInDeadline);
    });
    if (session.caller) socket.emit('ready', readyPayload(socket, session.caller));
    else socket.emit('identify', { socketid: socket.id });
  });

  /** Meshblu's `identity` event: the socket becomes that device (`ready`), or nobody (`notReady`). */
  async function identify(socket: Socket, session: SocketSession, data: unknown) {
    const credential = deviceCredential(data);
    let error = AppError.of(E.UNAUTHENTICATED);
    session.signOut();
    try {
      const caller = credential && await session.signIn(credential);
      if (caller) {
        const ready = readyPayload(socket, caller);
        socket.emit('ready', ready);
        return ready;
      }
    } catch (err) {
      error = exposeError(err, log, { route: 'Socket.IO identity' });
    }
    const notReady = { api: 'connect', status: error.status, ...(credential ? { uuid: credential.uuid.slice(0, 100) } : {}), ...meshbluError(error) };
    socket.emit('notReady', notReady);
    return notReady;
  }

  return {
    /** The TCP stream of a WebSocket the engine takes over, so shutdown can cut it. */
    trackUpgrade(stream: Duplex) {
      upgraded.add(stream);
      stream.once('close', () => upgraded.delete(stream));
    },
    async close() {
      closing = true;
      const sockets = [...io.of('/').sockets.values()];
      await Promise.all(sockets.map((s) => (s.data.session as SocketSession | undefined)?.queue.idle() ?? Promise.resolve()));
      io.disconnectSockets(true);
      io.engine.close(); // not io.close(): that would close the HTTP server, which server.ts drains itself
      // A peer that does not answer the close frame would hold server.close() for ws's 30 s close timeout.
      const open = [...upgraded];
      const cut = setTimeout(() => { for (const stream of open) stream.destroy(); }, 1000);
      await Promise.all(open.map((stream) => new Promise((resolve) => stream.once('close', resolve))));
      clearTimeout(cut);
    },
  };
}

/** Meshblu's status 201 reply; the token is not echoed back. */
function readyPayload(socket: Socket, caller: Caller) {
  return { api: 'connect', status: 201, socketid: socket.id, ...(caller.kind === 'device' ? { uuid: caller.uuid } : {}) };
}

/** {uuid, token} as strings, from a handshake's auth or query or an identity event. */
function deviceCredential(source: unknown): Extract<Credential, { type: 'device' }> | null {
  const { uuid, token } = (typeof source === 'object' && source !== null ? source : {}) as Record<string, unknown>;
  return typeof uuid === 'string' && typeof token === 'string' && uuid && token ? { type: 'device', uuid, token } : null;
}

/** An event's arguments: its data (absent when only a callback was given) and the callback. */
function paramsAndAck(args: unknown[]): [unknown, Ack] {
  const last = args.at(-1);
  if (typeof last !== 'function') return [args[0], undefined];
  return [args.length > 1 ? args[0] : undefined, last as Ack];
}

/** A refused handshake: the client's connect_error carries the message and data {name, code}. */
function connectError(err: AppError): Error {
  return Object.assign(new Error(err.message), { data: { name: err.errorName, code: err.code, ...err.data } });
}
