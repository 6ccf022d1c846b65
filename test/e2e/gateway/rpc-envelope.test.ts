import { RpcReply, startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/rpc`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminKey}`, ...headers }, body });

describe('POST /rpc', () => {
  it('when a call succeeds then it answers the JSON-RPC result', async () => {
    const reply = await s.rpc('/apikey/search', { match: [['name', '=', 'test admin']] });
    expect(reply).toMatchObject({ jsonrpc: '2.0', id: 1, result: { total: 1, rows: [{ name: 'test admin', scopes: ['admin'] }] } });
  });

  it('when the body is not JSON then it answers -32700 and HTTP 200', async () => {
    const res = await post('{"jsonrpc":');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'The body is not valid JSON', data: { name: 'PARSE_ERROR' } } });
  });

  it('when the request is not a call then it answers -32600', async () => {
    const res = await post(JSON.stringify({ foo: 1 }));
    expect((await res.json() as RpcReply).error).toMatchObject({ code: -32600, data: { name: 'INVALID_REQUEST' } });
  });

  // JSON-RPC 2.0 §4 and §6: what is not a Request object is answered -32600, with its id when it is one an id can be.
  const invalid = (id: unknown) => ({ jsonrpc: '2.0', id, error: { code: -32600, message: 'The request is not a valid call', data: { name: 'INVALID_REQUEST' } } });
  it.each([
    ['null', 'null', null],
    ['a number', '5', null],
    ['a call without jsonrpc 2.0', '{"jsonrpc":"1.0","id":7,"method":"/apikey/search"}', 7],
    ['a method that is not a string', '{"jsonrpc":"2.0","id":"m","method":5}', 'm'],
    ['an id that is an object', '{"jsonrpc":"2.0","id":{"a":1},"method":"/apikey/search"}', null],
    ['a response in place of a call', '{"jsonrpc":"2.0","id":3,"result":1}', 3],
  ])('when the message is %s then -32600 INVALID_REQUEST, and nothing runs', async (_what, body, id) => {
    const audited = async () => Number((await s.db.query('SELECT count(*) AS n FROM audit_log'))[0].n);
    const before = await audited();
    const res = await post(body);
    expect([res.status, await res.json()]).toEqual([200, invalid(id)]);
    expect(await audited()).toBe(before);
  });

  it('when a batch holds things that are not calls then each is answered -32600 in its place, and the calls beside them run', async () => {
    const res = await post(JSON.stringify([1, { jsonrpc: '2.0', id: 'ok', method: '/apikey/search', params: {} }, { jsonrpc: '2.0', method: 7 }, [] ]));
    const replies = await res.json() as RpcReply[];
    expect(replies.map((r) => r.error?.code ?? r.id)).toEqual([-32600, 'ok', -32600, -32600]);
  });

  it('when the method is unknown then it answers -32601 METHOD_NOT_FOUND', async () => {
    const reply = await s.rpc('/nothing/here', {});
    expect(reply.error).toMatchObject({ code: -32601, data: { name: 'METHOD_NOT_FOUND' } });
  });

  it('when params break the schema then -32602 INVALID_PARAMS lists ajv paths', async () => {
    const reply = await s.rpc('/apikey/create', { attrs: { name: 5, scopes: ['admin'] } });
    expect(reply.error).toMatchObject({ code: -32602, data: { name: 'INVALID_PARAMS', errors: [{ path: '/attrs/name', message: 'must be string' }] } });
  });

  it('when params are an array then INVALID_PARAMS', async () => {
    const reply = await s.rpc('/apikey/search', [1, 2]);
    expect(reply.error?.data.name).toBe('INVALID_PARAMS');
  });

  it('when a field is unknown then QUERY_FIELD_NOT_ALLOWED', async () => {
    const reply = await s.rpc('/apikey/search', { bogus: 1 });
    expect(reply.error).toMatchObject({ code: 1001, data: { name: 'QUERY_FIELD_NOT_ALLOWED' } });
  });

  it('when there are no credentials then UNAUTHENTICATED', async () => {
    const res = await post(JSON.stringify({ jsonrpc: '2.0', id: 7, method: '/apikey/search', params: {} }), { authorization: '' });
    expect(await res.json()).toMatchObject({ id: 7, error: { code: 2001, data: { name: 'UNAUTHENTICATED' } } });
  });

  it('when a batch holds several calls then they run in order and answer an array', async () => {
    const res = await post(JSON.stringify([
      { jsonrpc: '2.0', id: 'a', method: '/apikey/create', params: { attrs: { name: 'batch-one', scopes: ['device'] } } },
      { jsonrpc: '2.0', id: 'b', method: '/apikey/search', params: { match: [['name', '=', 'batch-one']] } },
      { jsonrpc: '2.0', method: '/apikey/search', params: {} },
    ]));
    const replies = await res.json() as RpcReply[];
    expect(replies).toHaveLength(2);
    expect(replies[0].id).toBe('a');
    expect(replies[1]).toMatchObject({ id: 'b', result: { total: 1 } });
  });

  it('when a batch holds one call then it still answers an array', async () => {
    const res = await post(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: '/apikey/search', params: {} }]));
    const replies = await res.json() as RpcReply[];
    expect(Array.isArray(replies)).toBe(true);
    expect(replies).toHaveLength(1);
  });

  it('when a batch holds only notifications then HTTP 204', async () => {
    const res = await post(JSON.stringify([{ jsonrpc: '2.0', method: '/apikey/search', params: {} }]));
    expect(res.status).toBe(204);
  });

  it('when the batch is empty then -32600', async () => {
    const res = await post('[]');
    expect((await res.json() as RpcReply).error).toMatchObject({ code: -32600 });
  });

  it('when dotted keys are sent then they expand to nested objects', async () => {
    const reply = await s.rpc('/apikey/create', { 'attrs.name': 'dotted', 'attrs.scopes': ['device'] });
    expect(reply.result).toEqual({ id: expect.any(String), key: expect.stringMatching(/^tgk_/) });
  });

  it('when `return` names fields then only those come back', async () => {
    const reply = await s.rpc('/apikey/search', { match: [['name', '=', 'test admin']], return: ['name'] });
    expect(reply.result).toEqual({ total: 1, rows: [{ name: 'test admin' }] });
  });
});
