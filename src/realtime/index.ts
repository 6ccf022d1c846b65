import type { Server } from 'node:http';
import type { TokengateApp } from '../app';
import type { RealtimeSettings } from '../config';
import { ConnectionSlots } from './socket-session';
import { createSocketIoEndpoint, SOCKET_IO_PATH } from './socketio-endpoint';
import { legacyNotFoundBody } from '../gateway/legacy-envelope';
import { pathOf } from '../gateway/request-view';
import { refuseUpgrade } from './upgrade-request';
import { createWsEndpoint } from './ws-endpoint';

export type { RealtimeSettings } from '../config';

export const WS_PATH = '/ws';

export interface Realtime {
  /** Stops taking calls, lets running and queued ones answer, then closes every socket. */
  close(): Promise<void>;
}

/**
 * The realtime transports on the app's HTTP server: JSON-RPC over a WebSocket at
 * GET /ws, and Meshblu's Socket.IO API at /socket.io. Both reach the app's one pipeline
 * and share one connection limit.
 */
export function attachRealtime(server: Server, app: TokengateApp, settings: RealtimeSettings): Realtime {
  const slots = new ConnectionSlots(settings.maxConnections);
  const ws = createWsEndpoint(app, settings, slots);
  const socketIo = createSocketIoEndpoint(server, app, settings, slots);
  server.on('upgrade', (req, socket, head) => {
    const path = pathOf(req);
    if (path === WS_PATH) return ws.handleUpgrade(req, socket, head);
    if (path.startsWith(`${SOCKET_IO_PATH}/`)) return socketIo.trackUpgrade(socket); // its engine answers these itself
    refuseUpgrade(socket, 404, legacyNotFoundBody('No such route'));
  });
  return {
    async close() {
      await Promise.all([ws.close(), socketIo.close()]);
    },
  };
}
