import { startTestServer, TestServer } from '../../support/server';
import { bearer, openWs, rpcCall, WsClient } from '../realtime/realtime-helpers';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const postRpc = async (body: string) => {
  const res = await fetch(`${s.url}/rpc`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminKey}` }, body,
  });
  return { status: res.status, body: await res.json() as any };
};
const postRest = async (method: string, body: string) => {
  const res = await fetch(`${s.url}/rest${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminKey}` }, body,
  });
  return { status: res.status, body: await res.json() as any };
};

/** JSON text of `{"a":{"a":…1…}}`, `levels` objects deep, built as text: JSON.stringify would itself overflow. */
const nestedObject = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
const countRows = async (sql: string, params: unknown[] = []) => Number((await s.db.query(sql, params))[0].n);
const audited = (method: string) => countRows('SELECT count(*) AS n FROM audit_log WHERE method = $1', [method]);
const domainsNamed = (prefix: string) => countRows('SELECT count(*) AS n FROM domains WHERE name LIKE $1', [`${prefix}%`]);

describe('a JSON-RPC batch over the limit (TOKENGATE_RPC_BATCH_MAX, default 100)', () => {
  it('when a batch holds 20,000 calls then it is refused whole with INVALID_REQUEST and data.max, and no call runs', async () => {
    const batch = Array.from({ length: 20_000 }, (_, i) => rpcCall(i + 1, '/domain/create', { attrs: { name: `flood-${i}` } }));
    const reply = await postRpc(JSON.stringify(batch));
    expect(reply).toEqual({
      status: 200,
      body: { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'A batch may hold at most 100 calls; this one holds 20000', data: { name: 'INVALID_REQUEST', max: 100 } } },
    });
    // Each reply waits for its audit row, so had any call run, its row would be there now.
    expect(await audited('/domain/create')).toBe(0);
    expect(await domainsNamed('flood-')).toBe(0);
  });

  it('when a batch holds exactly the limit then every call runs', async () => {
    const batch = Array.from({ length: 100 }, (_, i) => rpcCall(i + 1, '/domain/create', { attrs: { name: `full-${i}` } }));
    const { body } = await postRpc(JSON.stringify(batch));
    expect(body).toHaveLength(100);
    expect(body.every((r: any) => r.result?.id)).toBe(true);
    expect(await domainsNamed('full-')).toBe(100);
  });
});

describe('params nested too deep', () => {
  it('when params nest 200,000 levels over /rpc then INVALID_PARAMS with data.max, not INTERNAL', async () => {
    const { body } = await postRpc(`{"jsonrpc":"2.0","id":5,"method":"/domain/search","params":${nestedObject(200_000)}}`);
    expect(body).toEqual({
      jsonrpc: '2.0', id: 5,
      error: { code: -32602, message: 'The parameters are nested deeper than 32 levels', data: { name: 'INVALID_PARAMS', max: 32, errors: [{ path: `/params${'/a'.repeat(33)}`, message: 'nested deeper than 32 levels' }] } },
    });
  });

  it('when the body nests 200,000 levels over /rest then 400 INVALID_PARAMS, audited as a refused call', async () => {
    const before = await audited('/domain/search');
    const { status, body } = await postRest('/domain/search', nestedObject(200_000));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: -32602, name: 'INVALID_PARAMS', data: { max: 32 } });
    expect(await audited('/domain/search')).toBe(before + 1);
  });

  it('when a `return` list nests 200,000 levels then INVALID_PARAMS on both envelopes', async () => {
    const deepReturn = '[{"x":'.repeat(100_000) + '["id"]' + '}]'.repeat(100_000);
    const rest = await postRest('/domain/search', `{"return":${deepReturn}}`);
    expect([rest.status, rest.body.name, rest.body.data.max]).toEqual([400, 'INVALID_PARAMS', 32]);
    const rpc = await postRpc(`{"jsonrpc":"2.0","id":"r","method":"/domain/search","params":{"return":${deepReturn}}}`);
    expect([rpc.body.id, rpc.body.error.code, rpc.body.error.data.name, rpc.body.error.data.max]).toEqual(['r', -32602, 'INVALID_PARAMS', 32]);
  });

  it('when params nest 33 levels then INVALID_PARAMS; at 32 the depth passes and the schema speaks', async () => {
    const at33 = await postRest('/domain/search', nestedObject(33));
    expect(at33.body).toMatchObject({ name: 'INVALID_PARAMS', data: { max: 32, errors: [{ path: '/a'.repeat(32) }] } });
    const at32 = await postRest('/domain/search', nestedObject(32));
    expect(at32.body).toMatchObject({ name: 'QUERY_FIELD_NOT_ALLOWED' });
  });

  it('when one dotted key expands past the limit then INVALID_PARAMS before expansion', async () => {
    const dotted = Array.from({ length: 40 }, () => 'a').join('.');
    const { body } = await postRest('/domain/search', JSON.stringify({ [dotted]: 1 }));
    expect(body).toMatchObject({ name: 'INVALID_PARAMS', data: { max: 32 } });
  });

  it('when a batch holds one call with deep params then the whole batch is refused and no call runs', async () => {
    const body = `[${JSON.stringify(rpcCall(1, '/domain/create', { attrs: { name: 'deep-batch-ok' } }))},{"jsonrpc":"2.0","id":2,"method":"/domain/search","params":${nestedObject(50_000)}}]`;
    const reply = await postRpc(body);
    expect(reply.body).toMatchObject({ id: null, error: { code: -32602, data: { name: 'INVALID_PARAMS', max: 32 } } });
    expect(await domainsNamed('deep-batch-ok')).toBe(0);
  });

  it('when the id itself nests 200,000 levels then INVALID_PARAMS with id null, not INTERNAL', async () => {
    const ids = '['.repeat(200_000) + ']'.repeat(200_000);
    const reply = await postRpc(`{"jsonrpc":"2.0","id":${ids},"method":"/domain/search","params":{}}`);
    expect(reply).toMatchObject({ status: 200, body: { id: null, error: { code: -32602, data: { name: 'INVALID_PARAMS', max: 32 } } } });
  });
});

describe('GET /ws: the same limits', () => {
  let client: WsClient;
  beforeAll(async () => { client = await openWs(s, bearer(s.adminKey)); });
  afterAll(() => client.close());

  it('when a batch holds more calls than the limit then INVALID_REQUEST with data.max and no call runs', async () => {
    const batch = Array.from({ length: 2_000 }, (_, i) => rpcCall(i, '/domain/create', { attrs: { name: `ws-flood-${i}` } }));
    const reply = await client.call(batch);
    expect(reply).toMatchObject({ id: null, error: { code: -32600, data: { name: 'INVALID_REQUEST', max: 100 } } });
    expect(await domainsNamed('ws-flood-')).toBe(0);
  });

  it('when params nest 150,000 levels (under the message size cap) then INVALID_PARAMS with data.max, and the socket stays usable', async () => {
    client.send(`{"jsonrpc":"2.0","id":9,"method":"/domain/search","params":${nestedObject(150_000)}}`);
    expect(await client.next()).toMatchObject({ id: 9, error: { code: -32602, data: { name: 'INVALID_PARAMS', max: 32 } } });
    expect(await client.call(rpcCall(10, '/domain/search', { limit: 1 }))).toMatchObject({ id: 10, result: { total: expect.any(Number) } });
  });
});

describe('characters PostgreSQL text cannot hold, in what the audit row records', () => {
  it.each([
    ['a NUL', 'bad\\u0000id'],
    ['a lone surrogate', 'bad\\ud800id'],
  ])('when an id holds %s then the call is refused, and its audit row and a concurrent call\'s are written', async (_what, escapedId) => {
    const before = await audited('/user/get');
    const beforeOther = await audited('/domain/search');
    const [hostile, other] = await Promise.all([
      postRpc(`{"jsonrpc":"2.0","id":1,"method":"/user/get","params":{"id":"${escapedId}"}}`),
      postRpc('{"jsonrpc":"2.0","id":2,"method":"/domain/search","params":{}}'),
    ]);
    expect(hostile.body.error.data.name).toBe('INVALID_PARAMS');
    expect(other.body.result.total).toBeGreaterThanOrEqual(0);
    expect(await audited('/user/get')).toBe(before + 1);
    expect(await audited('/domain/search')).toBe(beforeOther + 1);
  });
});
