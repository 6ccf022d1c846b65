import { loadConfig } from '../../../src/config';
import { startTestServer, TestServer } from '../../support/server';
import { countTokens, makeUser } from './user-token-fixtures';

/** TOKENGATE_USER_TOKEN_MAX_TTL reaches /user/createToken through the config, not through the environment. */
let s: TestServer;
let owner: { ecosystemId: string; id: string };
beforeAll(async () => {
  s = await startTestServer({ userTokenMaxTtl: loadConfig({ TOKENGATE_USER_TOKEN_MAX_TTL: '600' }).userTokenMaxTtl });
  owner = await makeUser(s);
});
afterAll(() => s.close());

describe('/user/createToken with TOKENGATE_USER_TOKEN_MAX_TTL=600', () => {
  it('when ttl is the maximum then it is issued', async () => {
    expect(await s.call('/user/createToken', { ...owner, expiryType: 'SlidingTtl', ttl: 600 })).toEqual({ token: expect.stringMatching(/^tgu_/) });
  });

  it('when ttl is one second more then TOKEN_DURATION_INVALID names the maximum and nothing is issued', async () => {
    const before = await countTokens(s);
    const reply = await s.rpc('/user/createToken', { ...owner, ttl: 601 });
    expect(reply.error).toMatchObject({ data: { name: 'TOKEN_DURATION_INVALID', errors: [{ path: '/ttl', message: 'must be <= 600' }] } });
    expect(await countTokens(s)).toBe(before);
  });
});
