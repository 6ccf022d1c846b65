import { startTestServer, TestServer } from '../../support/server';
import { Actor, errorOf, inHours, newActor, templateOf, tokenFor } from './identities';

let s: TestServer;
let alice: Actor;
let bob: Actor;
let carol: Actor;
beforeAll(async () => {
  s = await startTestServer();
  [alice, bob, carol] = [await newActor(s, 'Alice'), await newActor(s, 'Bob'), await newActor(s, 'Carol')];
});
afterAll(() => s.close());

describe('/relationshipTemplate/search', () => {
  it("when a peer has loaded one of alice's templates then it finds it as not its own, and nobody else's", async () => {
    const loaded = await templateOf(s, alice);
    await templateOf(s, alice); // never shared with bob
    const token = await tokenFor(s, alice, loaded.id);
    await s.call('/relationshipTemplate/loadToken', { reference: token.reference.truncated }, bob.key);
    const bobs = await templateOf(s, bob);

    expect(await s.call('/relationshipTemplate/search', {}, bob.key)).toEqual({ total: 2, rows: [{ ...loaded, isOwn: false }, bobs] });
    expect(await s.call('/relationshipTemplate/search', { isOwn: false }, bob.key)).toEqual({ total: 1, rows: [{ ...loaded, isOwn: false }] });
    expect(await s.call('/relationshipTemplate/search', { isOwn: true }, bob.key)).toEqual({ total: 1, rows: [bobs] });
    expect(await s.call('/relationshipTemplate/search', {}, carol.key)).toEqual({ total: 0, rows: [] });
  });

  it('when match names createdAt and expiresAt then only the templates in range come back', async () => {
    const early = await templateOf(s, carol, { expiresAt: inHours(1) });
    const late = await templateOf(s, carol, { expiresAt: inHours(48) });
    const found = await s.call('/relationshipTemplate/search', { match: [['expiresAt', '>', inHours(24)], ['createdAt', '>=', early.createdAt]] }, carol.key);
    expect(found).toEqual({ total: 1, rows: [late] });
  });

  it('when match names an unknown field then INVALID_PARAMS', async () => {
    expect(await errorOf(s, '/relationshipTemplate/search', { match: [['password', '=', 'x']] }, alice.key)).toBe('INVALID_PARAMS');
  });
});

describe('/relationshipTemplate/searchTokens and /relationshipTemplate/getToken', () => {
  it("when alice kept tokens then she finds them across her templates, without reference; ephemeral ones are not kept", async () => {
    const [t1, t2] = [await templateOf(s, alice), await templateOf(s, alice)];
    const { reference: _r1, ...kept1 } = await tokenFor(s, alice, t1.id, { ephemeral: false });
    const { reference: _r2, ...kept2 } = await tokenFor(s, alice, t2.id, { ephemeral: false });
    const ephemeral = await tokenFor(s, alice, t2.id);

    const mine = await s.call('/relationshipTemplate/searchTokens', { match: [['templateId', 'in', [t1.id, t2.id]]] }, alice.key);
    expect(mine).toEqual({ total: 2, rows: [kept1, kept2] });
    expect(await s.call('/relationshipTemplate/getToken', { id: kept2.id }, alice.key)).toEqual(kept2);
    expect(await errorOf(s, '/relationshipTemplate/getToken', { id: ephemeral.id }, alice.key)).toBe('TOKEN_NOT_FOUND');
  });

  it("when carol asks for alice's token then TOKEN_NOT_FOUND, and her own list is empty", async () => {
    const template = await templateOf(s, alice);
    const token = await tokenFor(s, alice, template.id, { ephemeral: false });
    expect(await errorOf(s, '/relationshipTemplate/getToken', { id: token.id }, carol.key)).toBe('TOKEN_NOT_FOUND');
    expect(await s.call('/relationshipTemplate/searchTokens', {}, carol.key)).toEqual({ total: 0, rows: [] });
  });

  it('when the id is not a token id then TOKEN_NOT_FOUND', async () => {
    expect(await errorOf(s, '/relationshipTemplate/getToken', { id: 'RLTaaaaaaaaaaaaaaaaa' }, alice.key)).toBe('TOKEN_NOT_FOUND');
  });
});
