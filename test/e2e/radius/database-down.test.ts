import { createServer, Server, Socket, connect } from 'node:net';
import type { Database } from '../../../src/db';
import { openDatabase } from '../../../src/db';
import { createApp } from '../../../src/app';
import { createLogger } from '../../../src/log';
import { allMethods } from '../../../src/methods';
import { RunningRadius, startRadius } from '../../../src/listen/radius';
import { UserResolver } from '../../../src/services/directory/user-resolver';
import { AuditWriter } from '../../../src/services/audit/audit-writer';
import { startTestServer, TestServer } from '../../support/server';
import { itWith, RADCLIENT, radclient, radiusClientFor, radiusUser } from '../../support/radius-tools';

/**
 * A database that cannot be reached: the RADIUS listener drops the request (the NAS asks
 * its next server) and counts it, instead of answering Access-Reject. This listener reaches
 * PostgreSQL through a TCP relay the test cuts; the test's own server sets the data up.
 */
let s: TestServer;
let relay: { server: Server; sockets: Set<Socket>; port: number };
let db: Database;
let radius: RunningRadius;

function startRelay(target: URL, port = 0): Promise<typeof relay> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const end of [socket, upstream]) { sockets.add(end); end.on('close', () => sockets.delete(end)); end.on('error', () => end.destroy()); }
    socket.pipe(upstream).pipe(socket);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, sockets, port: (server.address() as { port: number }).port })));
}

beforeAll(async () => {
  s = await startTestServer();
  const target = new URL(s.databaseUrl);
  relay = await startRelay(target);
  db = await openDatabase(Object.assign(new URL(s.databaseUrl), { host: `127.0.0.1:${relay.port}` }).toString(), { poolSize: 4, connectTimeoutMs: 2_000 });
  const log = createLogger('silent');
  const users = new UserResolver(s.keys.masterKey);
  // the listener's calls recorded as the server records them, over the relay too
  const { pipeline } = createApp({ dataSource: db, keys: s.keys, log, methods: allMethods, audit: new AuditWriter(db), users }).gateway;
  radius = (await startRadius({ host: '127.0.0.1', port: 0, maxInFlightPerClient: 8, maxEntries: 100, clientRefreshMs: 60_000, clientMissRefreshMs: 0 }, {
    db, keys: s.keys, log, record: pipeline.record, users, failuresPerUser: null,
  }))!;
}, 60_000);
afterAll(async () => {
  await radius?.close();
  await db?.close().catch(() => {});
  relay?.server.close();
  await s.close();
});

describe('RADIUS with the database unreachable', () => {
  itWith(RADCLIENT)('when PostgreSQL cannot be reached then the request is dropped and counted, and answered again once it can', async () => {
    const user = await radiusUser(s);
    const nas = await radiusClientFor(s);
    const port = radius.udpPort!;
    const attrs = () => [`User-Name = "${user.loginName}@${user.domain}"`, `User-Password = "${user.nextOtp()}"`];
    expect((await radclient(port, nas, attrs())).code).toBe('Access-Accept'); // the client table now holds this NAS

    relay.server.close();
    for (const socket of relay.sockets) socket.destroy();
    expect(await radclient(port, nas, attrs(), { timeout: 2 })).toEqual({ code: null, attributes: [] });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    expect(metrics).toContain('tokengate_radius_dropped_total{reason="database_unavailable"} 1');
    expect(metrics).not.toContain('code="Access-Reject"');

    relay = await startRelay(new URL(s.databaseUrl), relay.port);
    expect((await radclient(port, nas, attrs(), { timeout: 5 })).code).toBe('Access-Accept');
  });
});
