import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PacketSource } from './access-handler';

export type PacketHandler = (packet: Buffer, from: PacketSource) => Promise<Buffer | null>;

/** RADIUS over UDP (RFC 2865): each datagram to the handler, its reply (if any) back to the sender. */
export async function listenUdp(host: string, port: number, handle: PacketHandler, onError: (err: unknown) => void): Promise<{ port: number; close(): Promise<void> }> {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
  socket.on('message', (packet, rinfo) => {
    handle(packet, { address: rinfo.address, port: rinfo.port, transport: 'udp' }).then((reply) => {
      if (reply) socket.send(reply, rinfo.port, rinfo.address);
    }, onError);
  });
  socket.on('error', onError);
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => { socket.off('error', reject); resolve(); });
  });
  return {
    port: socket.address().port,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
