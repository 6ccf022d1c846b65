import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  server: Server;
  url: string;
  /** Stops accepting and ends every open connection (keep-alive ones included). */
  close(): Promise<void>;
}

/** An app (express or any request handler with listen) on a free port of 127.0.0.1. */
export async function listenLocally(app: { listen(port: number, host: string, ready: () => void): Server }): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
