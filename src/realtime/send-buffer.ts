import type { Socket } from 'socket.io';

type EngineConnection = Socket['conn'];
interface EnginePacket { data?: string | { byteLength: number } }

/**
 * What ws.bufferedAmount is for GET /ws, for a Socket.IO connection: bytes handed to the
 * engine and not yet written out to the client. Engine.IO keeps them private, so they are
 * counted from its public events: a packet is queued when created, sending once flushed
 * to the transport, and gone when the transport drains. Past `cap`, `onOverflow` runs once.
 */
export function watchSendBuffer(conn: EngineConnection, cap: number, onOverflow: () => void): void {
  let queued = 0;
  let sending = 0;
  let overflowed = false;
  const sizeOf = (packet: EnginePacket) => (typeof packet.data === 'string' ? packet.data.length : packet.data?.byteLength ?? 0);
  const onDrain = () => { sending = 0; };

  conn.on('packetCreate', (packet: EnginePacket) => {
    queued += sizeOf(packet);
    if (queued + sending > cap && !overflowed) {
      overflowed = true;
      onOverflow();
    }
  });
  conn.on('flush', (packets: EnginePacket[]) => {
    const bytes = packets.reduce((sum, p) => sum + sizeOf(p), 0);
    queued -= bytes;
    sending += bytes;
  });
  conn.transport.on('drain', onDrain);
  conn.on('upgrade', (transport: EngineConnection['transport']) => transport.on('drain', onDrain));
}
