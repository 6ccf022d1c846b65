import { createHash } from 'node:crypto';
import { startTestServer, TestServer } from '../../support/server';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/identity/create', () => {
  it('when called by an admin then it answers an enmeshed-shaped address with a valid checksum and stores it', async () => {
    const reply = await s.call('/identity/create', { attrs: { name: 'Alice' } });
    expect(reply).toEqual({ address: expect.stringMatching(/^did:e:localhost:dids:[0-9a-f]{22}$/) });
    const body = reply.address.slice(0, -2);
    expect(reply.address.slice(-2)).toBe(createHash('sha256').update(body).digest('hex').slice(0, 2));
    expect(await s.db.query('SELECT address, name FROM identities')).toEqual([{ address: reply.address, name: 'Alice' }]);
  });

  it('when called twice without attrs then two different addresses', async () => {
    const [a, b] = [await s.call('/identity/create'), await s.call('/identity/create', {})];
    expect(a.address).not.toBe(b.address);
  });

  it('when the caller is not admin then FORBIDDEN and nothing is stored', async () => {
    const before = await s.db.query('SELECT count(*)::int AS n FROM identities');
    const reply = await s.rpc('/identity/create', {}, await s.keyWith(['template']));
    expect(reply.error?.data.name).toBe('FORBIDDEN');
    expect(await s.db.query('SELECT count(*)::int AS n FROM identities')).toEqual(before);
  });

  it('when an API key is bound to the address (/apikey/create attrs.identity) then that key acts as the identity', async () => {
    const { address } = await s.call('/identity/create');
    const { key } = await s.call('/apikey/create', { attrs: { name: 'alice app', scopes: ['template'], identity: address } });
    const template = await s.call('/relationshipTemplate/create', { content: {}, expiresAt: '2999-01-01T00:00:00.000Z' }, key);
    expect(template).toMatchObject({ createdBy: address, isOwn: true });
  });
});
