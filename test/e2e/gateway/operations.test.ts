import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('operations routes', () => {
  it('when asked /healthz and /readyz then both answer ok with the database', async () => {
    expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${s.url}/readyz`)).json()).toEqual({ status: 'ready', database: 'ok' });
  });

  it('when a call was made then /metrics counts it by method and outcome', async () => {
    await s.rest('/apikey/search', {});
    await s.rest('/apikey/search', {}, { key: 'tgk_wrong' });
    const text = await (await fetch(`${s.url}/metrics`)).text();
    expect(text).toMatch(/tokengate_calls_total\{method="\/apikey\/search",outcome="ok",error=""\} \d+/);
    expect(text).toMatch(/tokengate_calls_total\{method="\/apikey\/search",outcome="error",error="UNAUTHENTICATED"\} \d+/);
    expect(text).toContain('tokengate_call_duration_seconds_bucket');
  });

  it('when a schema is asked for then the method schema is served', async () => {
    const res = await fetch(`${s.url}/schemas/apikey/create.json`);
    expect(res.status).toBe(200);
    expect((await res.json() as { $id: string }).$id).toBe('/apikey/create');
    expect((await fetch(`${s.url}/schemas/nope/nothing.json`)).status).toBe(404);
  });

  it('when /openapi.json is asked for then every method has an operation on the legacy route and in /rpc', async () => {
    const doc = await (await fetch(`${s.url}/openapi.json`)).json() as any; // an OpenAPI document, walked deep below
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/rest/apikey/create'].post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/apikey.create' });
    const rpcMethods = doc.paths['/rpc'].post.requestBody.content['application/json'].schema.anyOf[0].oneOf.map((c: any) => c.properties.method.const);
    expect(rpcMethods).toContain('/audit/search');
    expect(JSON.stringify(doc)).not.toContain('/common#');
  });
});
