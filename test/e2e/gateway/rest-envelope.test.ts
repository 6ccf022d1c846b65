import { startTestServer, TestServer } from '../../support/server';

/** The legacy envelope, success or error. */
type RestBody = { error: number; name?: string; result?: unknown };
let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('POST /rest/<object>/<method>', () => {
  it('when a call succeeds then it answers {error: 0, result}', async () => {
    const { status, body } = await s.rest('/apikey/search', { match: [['name', '=', 'test admin']], return: ['name'] });
    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { total: 1, rows: [{ name: 'test admin' }] } });
  });

  it('when under /das5/rest then the same', async () => {
    const res = await fetch(`${s.url}/das5/rest/apikey/search`, { method: 'POST', headers: { authorization: `Bearer ${s.adminKey}`, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(200);
    expect((await res.json() as RestBody).error).toBe(0);
  });

  it.each([
    ['not JSON', '{oops', 400, 'PARSE_ERROR'],
    ['an array', '[1,2]', 400, 'INVALID_PARAMS'],
    ['a string', '"x"', 400, 'INVALID_PARAMS'],
    ['an unknown field', '{"nope":1}', 400, 'QUERY_FIELD_NOT_ALLOWED'],
    ['a wrong type', '{"limit":"ten"}', 400, 'INVALID_PARAMS'],
    ['a huge string', JSON.stringify({ attrs: { name: 'x'.repeat(5000), scopes: ['admin'] } }), 400, 'INVALID_PARAMS'],
  ])('when the body is %s then %i %s and nothing changes', async (_what, body, status, name) => {
    const before = await s.db.query('SELECT count(*)::int AS n FROM api_keys');
    const method = name === 'INVALID_PARAMS' && body.includes('attrs') ? 'create' : 'search';
    const res = await fetch(`${s.url}/rest/apikey/${method}`, { method: 'POST', headers: { authorization: `Bearer ${s.adminKey}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(status);
    expect(await res.json() as RestBody).toMatchObject({ error: expect.any(Number), name, message: expect.any(String) });
    expect(await s.db.query('SELECT count(*)::int AS n FROM api_keys')).toEqual(before);
  });

  it('when the body is too large then 413 BODY_TOO_LARGE', async () => {
    const res = await fetch(`${s.url}/rest/apikey/search`, { method: 'POST', headers: { authorization: `Bearer ${s.adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ match: [['name', '=', 'x'.repeat(11 * 1024 * 1024)]] }) });
    expect(res.status).toBe(413);
    expect((await res.json() as RestBody).name).toBe('BODY_TOO_LARGE');
  });

  it('when the key is unknown then 401 UNAUTHENTICATED', async () => {
    const { status, body } = await s.rest('/apikey/search', {}, { key: 'tgk_nope' });
    expect(status).toBe(401);
    expect(body).toEqual({ error: 2001, name: 'UNAUTHENTICATED', message: 'Missing, unknown or revoked credentials', data: {} });
  });

  it('when the key lacks the scope then 403 FORBIDDEN', async () => {
    const key = await s.keyWith(['device']);
    const { status, body } = await s.rest('/apikey/search', {}, { key });
    expect(status).toBe(403);
    expect(body.name).toBe('FORBIDDEN');
  });

  it('when the method is unknown then 404 METHOD_NOT_FOUND', async () => {
    const { status, body } = await s.rest('/nothing/here', {});
    expect(status).toBe(404);
    expect(body.name).toBe('METHOD_NOT_FOUND');
  });
});
