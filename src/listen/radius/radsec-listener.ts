import { readFileSync } from 'node:fs';
import { createServer, TLSSocket } from 'node:tls';
import type { PacketHandler } from './udp-listener';

export interface RadsecFiles { cert: string; key: string; ca: string }

/**
 * RADIUS over TLS (RadSec, RFC 6614): a TLS server whose clients must present a
 * certificate signed by the CA; packets are framed by their own Length field on the
 * stream. Which RADIUS client a connection is stays decided by its source address, as on
 * UDP (and its `transport` must allow radsec).
 */
export async function listenRadsec(host: string, port: number, files: RadsecFiles, handle: PacketHandler, onError: (err: unknown) => void) {
  const server = createServer({
    cert: readFileSync(files.cert), key: readFileSync(files.key), ca: readFileSync(files.ca),
    requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2',
  }, (socket) => serveConnection(socket, handle, onError));
  const sockets = new Set<TLSSocket>();
  server.on('secureConnection', (socket) => { sockets.add(socket); socket.on('close', () => sockets.delete(socket)); });
  server.on('tlsClientError', () => { /* a refused certificate: the handshake fails, nothing to do */ });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }),
  };
}

function serveConnection(socket: TLSSocket, handle: PacketHandler, onError: (err: unknown) => void): void {
  let pending: Buffer = Buffer.alloc(0);
  const from = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0, transport: 'radsec' as const };
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const length = pending.readUInt16BE(2);
      // a broken frame cannot be resynchronised on a stream: close it (RFC 6614 §2.5)
      if (length < 20 || length > 4096) return void socket.destroy();
      if (pending.length < length) break;
      const packet = pending.subarray(0, length);
      pending = pending.subarray(length);
      handle(packet, from).then((reply) => { if (reply && socket.writable) socket.write(reply); }, onError);
    }
  });
}
