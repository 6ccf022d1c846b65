import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/apikey/whoami', () => {
  it('when any key calls it then it answers that key\'s id, name, scopes and identity, never the key', async () => {
    const { id, key } = await s.call('/apikey/create', { attrs: { name: 'helpdesk', scopes: ['token:read', 'directory'] } });
    const reply = await s.rpc('/apikey/whoami', {}, key);
    expect(reply.result).toEqual({ id, name: 'helpdesk', scopes: ['token:read', 'directory'], identity: null });
    expect(JSON.stringify(reply)).not.toContain(key);
  });

  it('when a device calls it then it is FORBIDDEN (it describes API keys only)', async () => {
    const { uuid, token } = await s.call('/device/register', { attrs: { name: 'd' } });
    const res = await s.rest('/apikey/whoami', {}, { key: null, headers: { authorization: `Basic ${Buffer.from(`${uuid}:${token}`).toString('base64')}` } });
    expect([res.status, res.body.name]).toEqual([403, 'FORBIDDEN']);
  });

  it('when there is no key then it is UNAUTHENTICATED, and unknown params are refused', async () => {
    expect((await s.rest('/apikey/whoami', {}, { key: null })).status).toBe(401);
    expect((await s.rpc('/apikey/whoami', { extra: 1 })).error?.data.name).toBe('QUERY_FIELD_NOT_ALLOWED');
  });
});
