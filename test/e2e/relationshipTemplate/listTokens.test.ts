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

describe('/relationshipTemplate/listTokens', () => {
  it('when tokens are ephemeral and not then only the non-ephemeral ones are listed, oldest first, without reference', async () => {
    const template = await templateOf(s, alice, { passwordProtection: { password: 'pw' } });
    const kept1 = await tokenFor(s, alice, template.id, { ephemeral: false, passwordProtection: { password: 'pw' } });
    const ephemeral = await tokenFor(s, alice, template.id, { passwordProtection: { password: 'pw' } });
    const kept2 = await tokenFor(s, alice, template.id, { ephemeral: false, forIdentity: bob.address, passwordProtection: { password: 'pw' } });
    const { reference: _r1, ...listed1 } = kept1;
    const { reference: _r2, ...listed2 } = kept2;

    expect(await s.call('/relationshipTemplate/listTokens', { templateId: template.id }, alice.key))
      .toEqual({ total: 2, rows: [listed1, listed2] });
    expect(ephemeral.isEphemeral).toBe(true);
  });

  it('when a token is ephemeral then it is still loadable until it expires', async () => {
    const template = await templateOf(s, alice);
    const ephemeral = await tokenFor(s, alice, template.id);
    expect(await s.call('/relationshipTemplate/listTokens', { templateId: template.id }, alice.key)).toEqual({ total: 0, rows: [] });
    const loaded = await s.call('/relationshipTemplate/loadToken', { reference: ephemeral.reference.truncated }, bob.key);
    expect(loaded.id).toBe(template.id);
  });

  it("when a peer that loaded the template asks then it lists nothing (tokens are the owner's)", async () => {
    const template = await templateOf(s, alice);
    const token = await tokenFor(s, alice, template.id, { ephemeral: false });
    await s.call('/relationshipTemplate/loadToken', { reference: token.reference.url }, bob.key);
    expect(await s.call('/relationshipTemplate/listTokens', { templateId: template.id }, bob.key)).toEqual({ total: 0, rows: [] });
  });

  it('when the template is unknown to the caller then TEMPLATE_NOT_FOUND', async () => {
    const template = await templateOf(s, alice);
    expect(await errorOf(s, '/relationshipTemplate/listTokens', { templateId: template.id }, bob.key)).toBe('TEMPLATE_NOT_FOUND');
    expect(await errorOf(s, '/relationshipTemplate/listTokens', { templateId: 'RLTzzzzzzzzzzzzzzzzz' }, alice.key)).toBe('TEMPLATE_NOT_FOUND');
  });
});
