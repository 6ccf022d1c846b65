import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

/** The routes as meshblu-http's and @nmshd/connector-sdk's sources call them (SPEC §7 tables). */
const MESHBLU = [
  ['post', '/devices'], ['get', '/v2/whoami'], ['get', '/v2/devices/{uuid}'], ['get', '/devices/{uuid}'],
  ['patch', '/v2/devices/{uuid}'], ['delete', '/devices/{uuid}'], ['post', '/devices/{uuid}/tokens'],
  ['delete', '/devices/{uuid}/tokens/{token}'], ['delete', '/devices/{uuid}/tokens'], ['post', '/devices/{uuid}/token'],
  ['post', '/search/tokens'], ['post', '/authenticate'],
];
const CONNECTOR = [
  ['post', '/api/v2/RelationshipTemplates/Own'], ['get', '/api/v2/RelationshipTemplates/{id}'], ['get', '/api/v2/RelationshipTemplates'],
  ['post', '/api/v2/RelationshipTemplates/Own/{id}/Token'], ['post', '/api/v2/RelationshipTemplates/Peer'],
  ['get', '/api/v2/Tokens'], ['get', '/api/v2/Tokens/{id}'], ['get', '/health'],
];

describe('/openapi.json: the compatibility route sets', () => {
  it.each([...MESHBLU, ...CONNECTOR])('when the document is read then it has %s %s', async (verb, path) => {
    const doc: any = await (await fetch(`${s.url}/openapi.json`)).json();
    expect(doc.paths[path]?.[verb]).toEqual(expect.objectContaining({ summary: expect.any(String), responses: expect.any(Object) }));
  });

  it('when a Connector route is documented then it names X-API-KEY and the exact success status', async () => {
    const doc: any = await (await fetch(`${s.url}/openapi.json`)).json();
    expect(doc.components.securitySchemes.apiKeyHeader).toEqual(expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-API-KEY' }));
    expect(Object.keys(doc.paths['/api/v2/RelationshipTemplates/Own'].post.responses)).toEqual(['201', 'default']);
    expect(Object.keys(doc.paths['/api/v2/RelationshipTemplates/{id}'].get.responses)).toEqual(['200', 'default']);
  });
});
