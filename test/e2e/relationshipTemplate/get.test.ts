import { startTestServer, TestServer } from '../../support/server';
import { Actor, errorOf, newActor, templateOf, tokenFor } from './identities';

let s: TestServer;
let alice: Actor;
let bob: Actor;
beforeAll(async () => {
  s = await startTestServer();
  [alice, bob] = [await newActor(s, 'Alice'), await newActor(s, 'Bob')];
});
afterAll(() => s.close());

describe('/relationshipTemplate/get', () => {
  it('when the owner asks then the template with isOwn true', async () => {
    const created = await templateOf(s, alice);
    expect(await s.call('/relationshipTemplate/get', { id: created.id }, alice.key)).toEqual(created);
  });

  it('when a peer has not loaded it then TEMPLATE_NOT_FOUND (an id alone opens nothing); once loaded, isOwn false', async () => {
    const created = await templateOf(s, alice, { passwordProtection: { password: 'pw' } });
    const { status, body } = await s.rest('/relationshipTemplate/get', { id: created.id }, { key: bob.key });
    expect([status, body.name]).toEqual([404, 'TEMPLATE_NOT_FOUND']);

    const token = await tokenFor(s, alice, created.id, { passwordProtection: { password: 'pw' } });
    await s.call('/relationshipTemplate/loadToken', { reference: token.reference.truncated, password: 'pw' }, bob.key);
    expect(await s.call('/relationshipTemplate/get', { id: created.id }, bob.key)).toEqual({ ...created, isOwn: false });
  });

  it.each([
    ['an unknown id', 'RLTaaaaaaaaaaaaaaaaa'],
    ['a malformed id', 'nope'],
  ])('when %s then TEMPLATE_NOT_FOUND', async (_what, id) => {
    expect(await errorOf(s, '/relationshipTemplate/get', { id }, alice.key)).toBe('TEMPLATE_NOT_FOUND');
  });
});
