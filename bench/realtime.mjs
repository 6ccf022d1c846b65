#!/usr/bin/env node
// /device/generateAndStoreToken over an open socket (GET /ws JSON-RPC, Socket.IO) vs over
// HTTP (POST /rpc, keep-alive), 64 clients each with one call in flight.
//
//   npm run build && node bench/realtime.mjs     (BENCH_SECONDS=6 per transport, BENCH_CONCURRENCY=64)
//
// Starts an embedded PostgreSQL (or uses DATABASE_URL, a fresh database) and the compiled
// server as a child process; drives it over loopback. Every call on every transport runs
// the same pipeline: the device's credential checked (once per call, sockets included),
// the INSERT … SELECT, the audit row. So the difference is the transport's own cost.
import http from 'node:http';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';
import { formatRow, startPostgres, startTokengate } from './lib/harness.mjs';
import { resultLine } from './lib/report.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
// The machine is shared and its load drifts: the transports take turns in 1 s slices and are summed.
const SLICE_MS = 1000;
const METHOD = '/device/generateAndStoreToken';

const pg = await startPostgres();
const server = await startTokengate(pg.url);
const closers = [];
try {
  const device = await register(server);
  const authorization = `Basic ${Buffer.from(`${device.uuid}:${device.token}`).toString('base64')}`;
  const params = { uuid: device.uuid };
  let id = 0;

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  closers.push(() => agent.destroy());
  const sockets = await Promise.all(Array.from({ length: CONCURRENCY }, () => openWs(server.url, authorization)));
  closers.push(() => sockets.forEach((ws) => ws.close()));
  const clients = await Promise.all(Array.from({ length: CONCURRENCY }, () => openSocketIo(server.url, device)));
  closers.push(() => clients.forEach((socket) => socket.disconnect()));

  const variants = [
    { name: 'HTTP POST /rpc (keep-alive)', connections: Array(CONCURRENCY).fill(null),
      call: () => postRpc(server.url, agent, authorization, { jsonrpc: '2.0', id: ++id, method: METHOD, params }) },
    { name: 'WebSocket GET /ws (JSON-RPC)', connections: sockets,
      call: (ws) => wsCall(ws, { jsonrpc: '2.0', id: ++id, method: METHOD, params }) },
    { name: 'Socket.IO generateAndStoreToken', connections: clients,
      call: async (socket) => { const reply = await socket.timeout(10_000).emitWithAck('generateAndStoreToken', params); if (reply.error) throw new Error(reply.error); } },
  ];
  console.log(`realtime bench: ${METHOD}, ${CONCURRENCY} clients with one call in flight each, ${SECONDS} s per transport in interleaved 1 s slices, node ${process.version}`);
  for (const v of variants) await slice(v.connections, v.call, SLICE_MS); // warm-up: JIT, pool, plan caches
  const totals = variants.map(() => ({ latencies: [], errors: 0, seconds: 0 }));
  for (let n = 0; n < SECONDS * 1000 / SLICE_MS; n++) {
    for (const [i, v] of variants.entries()) {
      const r = await slice(v.connections, v.call, SLICE_MS);
      totals[i].latencies.push(...r.latencies);
      totals[i].errors += r.errors;
      totals[i].seconds += r.seconds;
    }
  }
  const results = totals.map(summary);
  for (const [i, v] of variants.entries()) report(v.name, results[i], results[0]);
} finally {
  for (const close of closers) close();
  await server.stop();
  await pg.stop();
}

function report(name, r, overHttp) {
  console.log(formatRow(name, r, overHttp));
  // A RESULT line's ratio means "to a bare express route"; the comparison here is to HTTP, under its own name.
  console.log(resultLine(name, r, undefined, { vsHttp: Number((r.rps / overHttp.rps).toFixed(3)) }));
}

async function register({ url, adminKey }) {
  const res = await fetch(`${url}/rpc`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: '/device/register', params: { attrs: { name: 'bench' } } }),
  });
  return (await res.json()).result;
}

function openWs(baseUrl, authorization) {
  const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, { headers: { authorization } });
  ws.pending = new Map();
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

/** Each connection sends one call, waits for its reply, repeats, for `ms`. */
async function slice(connections, call, ms) {
  const end = Date.now() + ms;
  const latencies = [];
  let errors = 0;
  const started = Date.now();
  await Promise.all(connections.map(async (conn) => {
    while (Date.now() < end) {
      const t = process.hrtime.bigint();
      const ok = await call(conn).then(() => true, () => false);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (!ok) errors++;
    }
  }));
  return { latencies, errors, seconds: (Date.now() - started) / 1000 };
}

function summary({ latencies, errors, seconds }) {
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN;
  return { calls: latencies.length, rps: latencies.length / seconds, p50: pct(0.5), p99: pct(0.99), errors };
}

function postRpc(baseUrl, agent, authorization, call) {
  const payload = Buffer.from(JSON.stringify(call));
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}/rpc`, {
      method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const reply = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        if (res.statusCode === 200 && reply.result) resolve(reply.result); else reject(new Error(`HTTP ${res.statusCode}`));
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}
