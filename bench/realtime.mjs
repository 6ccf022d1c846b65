#!/usr/bin/env node
// /device/generateAndStoreToken over an open socket (GET /ws JSON-RPC, Socket.IO) vs over
// HTTP (POST /rpc, keep-alive), 64 clients each with one call in flight (issue 10).
// Every call on every transport runs the same pipeline: the device's credential checked
// (once per call, sockets included), the INSERT … SELECT, the audit row. So the
// difference is the transport's own cost, and the reference here is HTTP /rpc, not a
// bare express route (ratioTo "HTTP /rpc" in the RESULT lines). No target in the issue.
// Loaded by the node client (lib/load.mjs), not wrk: wrk speaks neither WebSocket nor Socket.IO,
// and the HTTP reference row stays on the same client so that the three compare on one load.
// Usage: npm run build && node bench/realtime.mjs     (BENCH_SECONDS per transport, in 1 s turns)
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { withServers } from './lib/harness.mjs';
import { basic, bearer } from './lib/http-client.mjs';
import { loadOptions, runInterleaved } from './lib/load.mjs';
import { printResult } from './lib/report.mjs';

const METHOD = '/device/generateAndStoreToken';
const { concurrency } = loadOptions;

await withServers({}, async ({ tg: server, gateway: http }) => {
  const device = await http.rpc('/device/register', { attrs: { name: 'bench' } }, bearer(server.adminKey));
  const params = { uuid: device.uuid };
  let id = 0;
  const sockets = [];
  const clients = [];
  try {
    sockets.push(...await Promise.all(Array.from({ length: concurrency }, () => openWs(server.url, basic(device).authorization))));
    clients.push(...await Promise.all(Array.from({ length: concurrency }, () => openSocketIo(server.url, device))));
    const [overHttp, overWs, overSocketIo] = await runInterleaved([
      { name: 'http', pid: server.pid, call: () => http.rpc(METHOD, params, basic(device)) },
      { name: 'ws', pid: server.pid, call: (w) => wsCall(sockets[w], { jsonrpc: '2.0', id: ++id, method: METHOD, params }) },
      { name: 'socket.io', pid: server.pid, call: async (w) => {
        const reply = await clients[w].timeout(10_000).emitWithAck('generateAndStoreToken', params);
        if (reply.error) throw new Error(reply.error);
      } },
    ]);
    console.log(`realtime: ${METHOD}, ${concurrency} clients with one call in flight each, ${loadOptions.seconds} s per transport in ${loadOptions.sliceSeconds} s turns`);
    const vsHttp = { vs: overHttp, ratioTo: 'HTTP /rpc' };
    printResult(`${METHOD} HTTP POST /rpc (keep-alive)`, overHttp, { baseline: true, ratioTo: 'HTTP /rpc' });
    printResult(`${METHOD} WebSocket GET /ws (JSON-RPC)`, overWs, vsHttp);
    printResult(`${METHOD} Socket.IO event`, overSocketIo, vsHttp);
  } finally {
    sockets.forEach((ws) => ws.close());
    clients.forEach((socket) => socket.disconnect());
  }
});

function openWs(baseUrl, authorization) {
  /** @type {WebSocket & { pending: Map<unknown, (reply: any) => void> }} */
  const ws = Object.assign(new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, { headers: { authorization } }), { pending: new Map() });
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data));
    ws.pending.get(reply.id)?.(reply);
    ws.pending.delete(reply.id);
  });
  return new Promise((resolve, reject) => { ws.once('open', () => resolve(ws)); ws.once('error', reject); });
}

function wsCall(ws, call) {
  return new Promise((resolve, reject) => {
    ws.pending.set(call.id, (reply) => (reply.error ? reject(new Error(reply.error.message)) : resolve(reply.result)));
    ws.send(JSON.stringify(call));
  });
}

function openSocketIo(baseUrl, device) {
  const socket = io(baseUrl, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, auth: device });
  return new Promise((resolve, reject) => { socket.once('ready', () => resolve(socket)); socket.once('connect_error', reject); });
}
