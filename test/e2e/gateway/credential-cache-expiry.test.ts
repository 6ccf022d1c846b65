import { startTestServer, TestServer } from '../../support/server';

/**
 * A cached API key ends at its own expiresAt, with nothing revoked: the cache and the
 * database read one clock, the test's, moved instead of waited for.
 */
let s: TestServer;
beforeAll(async () => { s = await startTestServer({ callerCache: true, clock: true }); });
afterEach(() => s.clock.reset());
afterAll(() => s.close());

const searchWith = async (key: string) => (await s.rpc('/apikey/search', {}, key)) as { result?: { total: number }; error?: { data: { name: string } } };

describe('credential cache and a key\'s expiry', () => {
  it('when a cached API key reaches its expiresAt then it is refused, and just before it is not', async () => {
    const { key } = await s.call('/apikey/create', { attrs: { name: 'expiring', scopes: ['admin'], expiresAt: new Date(s.clock.now() + 60_000).toISOString() } });
    expect((await searchWith(key)).result?.total).toBeGreaterThan(0); // now cached
    await s.clock.advance(58);
    expect((await searchWith(key)).result?.total).toBeGreaterThan(0);
    await s.clock.advance(3);
    expect((await searchWith(key)).error?.data.name).toBe('UNAUTHENTICATED');
  });
});
