import { defaultConfig } from '../../../src/config';
import { startTestServer, TestServer } from '../../support/server';
import { Actor, newActor, templateOf, tokenFor } from './identities';

let s: TestServer;
let alice: Actor;
let bob: Actor;
beforeAll(async () => {
  s = await startTestServer({ rateLimits: { ...defaultConfig().rateLimits, passwordFailuresPerToken: { limit: 2, windowSeconds: 60 } } });
  [alice, bob] = [await newActor(s, 'Alice'), await newActor(s, 'Bob')];
});
afterAll(() => s.close());

describe('/relationshipTemplate/loadToken with TOKENGATE_RATE_LIMIT_PASSWORD=2/60', () => {
  it('when 2 wrong guesses then the 3rd answers RATE_LIMITED within the configured window', async () => {
    const template = await templateOf(s, alice);
    const token = await tokenFor(s, alice, template.id, { passwordProtection: { password: '4711', passwordIsPin: true } });
    const load = (password: string) => s.rest('/relationshipTemplate/loadToken', { reference: token.reference.truncated, password }, { key: bob.key });
    expect((await load('0000')).body.data).toEqual({ passwordIsPin: true, attemptsLeft: 1 });
    expect((await load('0000')).body.data).toEqual({ passwordIsPin: true, attemptsLeft: 0 });
    const limited = await load('4711');
    expect([limited.status, limited.body.name, limited.headers.get('retry-after')]).toEqual([429, 'RATE_LIMITED', expect.any(String)]);
    expect(limited.body.data.retryAfter).toBeLessThanOrEqual(60);
  });
});
