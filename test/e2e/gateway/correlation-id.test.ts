import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log';
import { startTestServer, TestServer } from '../../support/server';

const lines: any[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

let s: TestServer;
beforeAll(async () => { s = await startTestServer({ log: createLogger('debug', sink) }); });
afterAll(() => s.close());
beforeEach(() => { lines.length = 0; });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminKey}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() as any };
}

const rpcCall = (method: string, params: unknown, id: number) => ({ jsonrpc: '2.0', id, method, params });

/** Makes every UPDATE of api_keys fail as an unexpected database error would. */
async function breakApiKeyUpdates(broken: boolean) {
  if (!broken) return void await s.db.query('DROP TRIGGER IF EXISTS api_keys_broken ON api_keys');
  await s.db.query(`CREATE OR REPLACE FUNCTION fail_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'disk on fire'; END $$`);
  await s.db.query('CREATE TRIGGER api_keys_broken BEFORE UPDATE ON api_keys FOR EACH ROW EXECUTE FUNCTION fail_for_test()');
}

describe('correlation ids', () => {
  it('when a legacy call succeeds then x-request-id is set and one debug line tells the call without its params', async () => {
    const reply = await post('/rest/apikey/search', { match: [['name', '=', 'sekret-filter']] });
    expect(reply.status).toBe(200);
    expect(reply.requestId).toMatch(UUID);
    const calls = lines.filter((l) => l.msg === 'call');
    expect(calls).toEqual([expect.objectContaining({
      level: 20, correlationId: reply.requestId, method: '/apikey/search', outcome: 'ok', caller: expect.stringMatching(/^apikey:/),
      durationMs: expect.any(Number),
    })]);
    expect(calls[0]).not.toHaveProperty('errorName');
    expect(JSON.stringify(lines)).not.toContain('sekret-filter');
  });

  it('when a call fails with a catalog error then the debug line names the error', async () => {
    const reply = await post('/rest/apikey/revoke', { id: '00000000-0000-4000-8000-000000000000' });
    expect(reply.body.name).toBe('NOT_FOUND');
    expect(lines.filter((l) => l.msg === 'call')).toEqual([expect.objectContaining({
      correlationId: reply.requestId, method: '/apikey/revoke', outcome: 'error', errorName: 'NOT_FOUND',
    })]);
  });

  it('when the client sends a short plain x-request-id then it is kept, and a malformed one is replaced', async () => {
    expect((await post('/rest/apikey/search', {}, { 'x-request-id': 'lb-7f3a.42:1' })).requestId).toBe('lb-7f3a.42:1');
    expect(lines.find((l) => l.msg === 'call').correlationId).toBe('lb-7f3a.42:1');
    for (const bad of ['has space', 'x'.repeat(65), '{"level":60}', 'a/b']) {
      expect((await post('/rest/apikey/search', {}, { 'x-request-id': bad })).requestId).toMatch(UUID);
    }
  });

  it('when an unexpected error happens then the INTERNAL reply, the header and the error log carry the same id', async () => {
    const { id } = await s.call('/apikey/create', { attrs: { name: 'to revoke', scopes: ['directory'] } });
    await breakApiKeyUpdates(true);
    try {
      const rest = await post('/rest/apikey/revoke', { id });
      expect(rest.status).toBe(500);
      expect(rest.body).toEqual({ error: -32603, message: 'Internal error', name: 'INTERNAL', data: { correlationId: rest.requestId } });
      const logged = lines.find((l) => l.msg === 'internal error');
      expect(logged).toMatchObject({ level: 50, correlationId: rest.requestId, method: '/apikey/revoke', err: { message: 'disk on fire' } });
      expect(JSON.stringify(rest.body)).not.toContain('disk on fire');

      const rpc = await post('/rpc', rpcCall('/apikey/revoke', { id }, 7), { 'x-request-id': 'req-123' });
      expect(rpc.requestId).toBe('req-123');
      expect(rpc.body.error.data).toEqual({ name: 'INTERNAL', correlationId: 'req-123' });
    } finally {
      await breakApiKeyUpdates(false);
    }
  });

  it('when a JSON-RPC batch is sent then each call has its own id under the request id', async () => {
    const { id } = await s.call('/apikey/create', { attrs: { name: 'batch', scopes: ['directory'] } });
    await breakApiKeyUpdates(true);
    lines.length = 0;
    try {
      const reply = await post('/rpc', [rpcCall('/apikey/search', {}, 1), rpcCall('/apikey/revoke', { id }, 2)], { 'x-request-id': 'batch-9' });
      expect(reply.requestId).toBe('batch-9');
      expect(reply.body[1].error.data).toEqual({ name: 'INTERNAL', correlationId: 'batch-9-2' });
      expect(lines.filter((l) => l.msg === 'call').map((l) => [l.correlationId, l.method, l.outcome])).toEqual([
        ['batch-9-1', '/apikey/search', 'ok'], ['batch-9-2', '/apikey/revoke', 'error'],
      ]);
    } finally {
      await breakApiKeyUpdates(false);
    }
  });
});
