import { io, Socket } from 'socket.io-client';
import { ClientOptions, WebSocket } from 'ws';
import type { TestServer } from '../../support/server';

export interface DeviceCreds { uuid: string; token: string }
export interface Closed { code: number; reason: string }

export const basicAuth = (d: DeviceCreds) => ({ authorization: `Basic ${Buffer.from(`${d.uuid}:${d.token}`).toString('base64')}` });
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
export const rpcCall = (id: number | string, method: string, params?: unknown) => ({ jsonrpc: '2.0', id, method, params });

/** A connected ws client that keeps every message it receives, in order. */
export class WsClient {
  private readonly received: unknown[] = [];
  private readonly waiting: Array<(message: unknown) => void> = [];
  readonly closed: Promise<Closed>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data));
      const waiter = this.waiting.shift();
      if (waiter) waiter(message); else this.received.push(message);
    });
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  }

  /** The next message, or a failure after `ms`. */
  next(ms = 5000): Promise<any> {
    if (this.received.length) return Promise.resolve(this.received.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message')), ms);
      this.waiting.push((m) => { clearTimeout(timer); resolve(m); });
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async call(message: unknown): Promise<any> {
    this.send(message);
    return this.next();
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closed;
  }
}

export function wsUrl(s: TestServer, query = ''): string {
  return `${s.url.replace(/^http/, 'ws')}/ws${query}`;
}

/** Opens GET /ws; rejects with the refused upgrade's {status, body, headers} when the server answers HTTP. */
export function openWs(s: TestServer, headers: Record<string, string> = {}, opts: { query?: string } & ClientOptions = {}): Promise<WsClient> {
  const { query, ...options } = opts;
  const ws = new WebSocket(wsUrl(s, query), { headers, ...options });
  const client = new WsClient(ws); // listening before the first message can arrive
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')), headers: res.headers }));
    });
  });
}

/** A Socket.IO client that does not reconnect; `connect: false` leaves connecting to the caller. */
export function socketIo(s: TestServer, opts: Parameters<typeof io>[1] = {}): Socket {
  return io(s.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
}

/** The first `event` the socket emits (its first argument), or a failure after `ms`. */
export function nextEvent(socket: Socket, event: string, ms = 5000): Promise<any> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event}`)), ms);
    socket.once(event, (arg: unknown) => { clearTimeout(timer); resolve(arg); });
  });
}

/** Connects and waits for Meshblu's `ready`. */
export async function readySocket(s: TestServer, opts: Parameters<typeof io>[1] = {}): Promise<{ socket: Socket; ready: any }> {
  const socket = socketIo(s, opts);
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ready')), 5000);
    socket.once('ready', (payload: unknown) => { clearTimeout(timer); resolve(payload); });
    socket.once('connect_error', (err: Error) => { clearTimeout(timer); reject(err); });
  });
  return { socket, ready };
}

/** emit with a callback, as Meshblu clients do; resolves with what the callback got. */
export function emitAck(socket: Socket, event: string, ...args: unknown[]): Promise<any> {
  return socket.timeout(5000).emitWithAck(event, ...args);
}

export async function auditRows(s: TestServer, method: string, target: string) {
  return s.db.query('SELECT caller, method, target, outcome, error_name AS "errorName" FROM audit_log WHERE method = $1 AND target = $2 ORDER BY id', [method, target]);
}

export const MISSING_UUID = '00000000-0000-4000-8000-000000000000';
