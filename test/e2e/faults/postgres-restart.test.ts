import { randomBytes } from 'node:crypto';
import type { Database } from '../../../src/db';
import { createApp } from '../../../src/app';
import { openTestDb } from '../../support/test-db';
import { loadServerKeys } from '../../../src/db/server-keys';
import { createLogger } from '../../../src/log';
import { allMethods } from '../../../src/methods';
import { createApiKey } from '../../../src/services/apikeys/api-keys';
import { sleep, startOwnPostgres } from './fault-support';
import { listenLocally, Listening } from '../../support/listen';

jest.setTimeout(60_000);

let pg: Awaited<ReturnType<typeof startOwnPostgres>>;
let db: Database;
let listening: Listening | undefined;
let url: string;
let adminKey: string;

beforeAll(async () => {
  pg = await startOwnPostgres();
  db = await openTestDb(pg.url, { poolSize: 10 });
  const keys = await loadServerKeys(db, randomBytes(32));
  adminKey = (await createApiKey(db, keys.pepper, { name: 'faults', scopes: ['admin'] })).key;
  const app = createApp({ dataSource: db, keys, log: createLogger('silent'), methods: allMethods });
  listening = await listenLocally(app);
  url = listening.url;
});
afterAll(async () => {
  await listening?.close();
  if (db) await db?.close();
  await pg?.exit();
});

interface Outcome {
  at: number; envelope: 'rest' | 'rpc'; status: number | 'no reply'; name?: string; code?: number;
  retryAfter?: string | null; dataRetryAfter?: number; correlationId?: string; ms: number;
}

/** One /apikey/search on the legacy route (even workers) or JSON-RPC (odd); a reply must come within 8 s. */
async function call(envelope: 'rest' | 'rpc' = 'rest'): Promise<Outcome> {
  const started = Date.now();
  const rpc = envelope === 'rpc';
  try {
    const res = await fetch(`${url}${rpc ? '/rpc' : '/rest/apikey/search'}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
      body: rpc ? '{"jsonrpc":"2.0","id":7,"method":"/apikey/search","params":{"limit":1}}' : '{"limit":1}',
      signal: AbortSignal.timeout(8_000),
    });
    const body = await res.json() as any;
    const error = rpc ? body.error && { code: body.error.code, ...body.error.data } : body.error !== 0 && { code: body.error, name: body.name, ...body.data };
    // A JSON-RPC reply is HTTP 200 by the contract; its error's catalog status is what counts.
    const status = rpc && error ? ({ 9001: 503, [-32603]: 500 } as Record<number, number>)[error.code] ?? res.status : res.status;
    return {
      at: started, envelope, status, name: error ? error.name : undefined, code: error ? error.code : undefined,
      retryAfter: res.headers.get('retry-after'), dataRetryAfter: error ? error.retryAfter : undefined,
      correlationId: error ? error.correlationId : undefined, ms: Date.now() - started,
    };
  } catch {
    return { at: started, envelope, status: 'no reply', ms: Date.now() - started };
  }
}

/** `workers` clients calling in a loop until stop() resolves with every outcome. */
function startLoad(workers: number) {
  const outcomes: Outcome[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, i) => {
    while (running) { outcomes.push(await call(i % 2 ? 'rpc' : 'rest')); await sleep(5); }
  });
  return { outcomes, stop: async () => { running = false; await Promise.all(loops); return outcomes; } };
}

describe('PostgreSQL restarted under load', () => {
  it('when the database goes away then both envelopes answer SERVICE_UNAVAILABLE with Retry-After and /readyz is 503, and all recover once it is back, without a restart', async () => {
    expect((await call()).status).toBe(200);
    const load = startLoad(16);
    let stoppedAt = 0;
    let restartedAt = 0;
    let recoveredAt = 0;
    let readyWhileDown: Response | undefined;
    try {
      await sleep(300);
      stoppedAt = Date.now();
      await pg.stop();
      await sleep(1_500);
      readyWhileDown = await fetch(`${url}/readyz`);
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

    expect(readyWhileDown!.status).toBe(503);
    expect(readyWhileDown!.headers.get('retry-after')).toBe('5');
    expect(await readyWhileDown!.json()).toEqual({ status: 'unavailable', database: 'unreachable' });

    expect(recoveredAt).toBeGreaterThan(0);
    // Every call got an answer, and in time: a success or the catalog's SERVICE_UNAVAILABLE, never INTERNAL.
    expect(outcomes.filter((o) => o.status === 'no reply')).toEqual([]);
    for (const o of outcomes) {
      if (o.status !== 200) {
        expect(o).toMatchObject({ status: 503, code: 9001, name: 'SERVICE_UNAVAILABLE', retryAfter: '5', dataRetryAfter: 5, correlationId: expect.any(String) });
      }
      expect(o.ms).toBeLessThan(6_000);
    }
    expect(outcomes.filter((o) => o.at < stoppedAt && o.status === 200).length).toBeGreaterThan(0);
    for (const envelope of ['rest', 'rpc']) {
      const down = outcomes.filter((o) => o.envelope === envelope && o.at > stoppedAt + 200 && o.at < restartedAt);
      expect(down.filter((o) => o.status === 503).length).toBeGreaterThan(0);
    }
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
