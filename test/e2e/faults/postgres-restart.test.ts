import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { createApp } from '../../../src/app';
import { openDatabase } from '../../../src/db/data-source';
import { loadServerKeys } from '../../../src/db/server-keys';
import { createLogger } from '../../../src/log';
import { allMethods } from '../../../src/methods';
import { createApiKey } from '../../../src/services/apikeys/api-keys';
import { closeRateLimitPool } from '../../../src/services/rate-limit';
import { sleep, startOwnPostgres } from './fault-support';

jest.setTimeout(60_000);

let pg: Awaited<ReturnType<typeof startOwnPostgres>>;
let db: DataSource;
let server: Server;
let url: string;
let adminKey: string;

beforeAll(async () => {
  pg = await startOwnPostgres();
  db = await openDatabase(pg.url, 10);
  const keys = await loadServerKeys(db, randomBytes(32));
  adminKey = (await createApiKey(db.manager, keys.pepper, { name: 'faults', scopes: ['admin'] })).key;
  const app = createApp({ dataSource: db, keys, log: createLogger('silent'), methods: allMethods });
  server = await new Promise((res) => { const s = app.listen(0, '127.0.0.1', () => res(s)); });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  if (server) await new Promise((res) => { server.close(res); server.closeAllConnections(); });
  if (db) await closeRateLimitPool(db);
  await db?.destroy();
  await pg?.exit();
});

interface Outcome { at: number; status: number | 'no reply'; name?: string; correlationId?: string; ms: number }

/** One /apikey/search on the legacy route; a reply must come within 8 s. */
async function call(): Promise<Outcome> {
  const started = Date.now();
  try {
    const res = await fetch(`${url}/rest/apikey/search`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: '{"limit":1}', signal: AbortSignal.timeout(8_000),
    });
    const body = await res.json() as any;
    return { at: started, status: res.status, name: body.name, correlationId: body.data?.correlationId, ms: Date.now() - started };
  } catch {
    return { at: started, status: 'no reply', ms: Date.now() - started };
  }
}

/** `workers` clients calling in a loop until stop() resolves with every outcome. */
function startLoad(workers: number) {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) { outcomes.push(await call()); await sleep(5); }
  });
  return { outcomes, stop: async () => { running = false; await Promise.all(loops); return outcomes; } };
}

describe('PostgreSQL restarted under load', () => {
  it('when the database goes away then calls fail fast with INTERNAL, and they succeed again once it is back, without a restart', async () => {
    expect((await call()).status).toBe(200);
    const load = startLoad(16);
    let stoppedAt = 0;
    let restartedAt = 0;
    let recoveredAt = 0;
    let readyWhileDown = 0;
    try {
      await sleep(300);
      stoppedAt = Date.now();
      await pg.stop();
      await sleep(1_500);
      readyWhileDown = (await fetch(`${url}/readyz`)).status;
      await pg.start();
      restartedAt = Date.now();
      // The pool opens new connections on demand: the first success should come quickly.
      while (!recoveredAt && Date.now() - restartedAt < 10_000) {
        if ((await call()).status === 200) recoveredAt = Date.now();
        else await sleep(100);
      }
      await sleep(300);
    } finally {
      await load.stop();
    }
    const { outcomes } = load;

    expect(readyWhileDown).toBe(503);

    expect(recoveredAt).toBeGreaterThan(0);
    // Every call got an answer, and in time: either a success or the catalog's INTERNAL with its correlation id.
    expect(outcomes.filter((o) => o.status === 'no reply')).toEqual([]);
    for (const o of outcomes) {
      if (o.status !== 200) expect(o).toMatchObject({ status: 500, name: 'INTERNAL', correlationId: expect.any(String) });
      expect(o.ms).toBeLessThan(6_000);
    }
    expect(outcomes.filter((o) => o.at < stoppedAt && o.status === 200).length).toBeGreaterThan(0);
    expect(outcomes.filter((o) => o.at > stoppedAt + 200 && o.at < restartedAt && o.status === 500).length).toBeGreaterThan(0);
    const after = outcomes.filter((o) => o.at > recoveredAt);
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((o) => o.status !== 200)).toEqual([]);

    // Writes work again too: the audit log and a mutating call.
    const res = await fetch(`${url}/rest/apikey/create`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ attrs: { name: 'after the restart', scopes: ['directory'] } }),
    });
    expect(res.status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });
});
