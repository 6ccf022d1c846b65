import { startTestServer, TestServer } from '../../support/server';
import { Actor, errorOf, inHours, newActor } from './identities';

let s: TestServer;
let alice: Actor;
let bob: Actor;
beforeAll(async () => {
  s = await startTestServer();
  [alice, bob] = [await newActor(s, 'Alice'), await newActor(s, 'Bob')];
});
afterAll(() => s.close());

const countTemplates = async () => (await s.db.query('SELECT count(*)::int AS n FROM relationship_templates'))[0].n;

describe('/relationshipTemplate/create', () => {
  it('when the caller has an identity then the template is its own, with every field it was given', async () => {
    const expiresAt = inHours(2);
    const content = { '@type': 'RelationshipTemplateContent', onNewRelationship: { items: [1, 'two'] } };
    const reply = await s.call('/relationshipTemplate/create', {
      content, expiresAt, forIdentity: bob.address, maxNumberOfAllocations: 3,
    }, alice.key);
    expect(reply).toEqual({
      id: expect.stringMatching(/^RLT[A-Za-z0-9]{17}$/), isOwn: true, createdBy: alice.address,
      createdAt: expect.any(String), expiresAt, content, forIdentity: bob.address, maxNumberOfAllocations: 3,
    });
  });

  it('when password-protected then the reply says passwordIsPin only and the row holds an scrypt hash', async () => {
    const reply = await s.call('/relationshipTemplate/create', {
      content: {}, expiresAt: inHours(1), passwordProtection: { password: '0815', passwordIsPin: true },
    }, alice.key);
    expect(reply.passwordProtection).toEqual({ passwordIsPin: true });
    const [row] = await s.db.query('SELECT password_hash, password_is_pin FROM relationship_templates WHERE id = $1', [reply.id]);
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('0815');
    expect(row.password_is_pin).toBe(true);
  });

  it.each([
    ['expiresAt in the past', { expiresAt: '2020-01-01T00:00:00Z' }, 'EXPIRES_AT_IN_PAST'],
    ['a PIN of letters', { passwordProtection: { password: 'abcd', passwordIsPin: true } }, 'PIN_INVALID'],
    ['a PIN of 3 digits', { passwordProtection: { password: '123', passwordIsPin: true } }, 'PIN_INVALID'],
    ['a PIN of 17 digits', { passwordProtection: { password: '1'.repeat(17), passwordIsPin: true } }, 'PIN_INVALID'],
    ['a malformed forIdentity', { forIdentity: 'bob' }, 'INVALID_PARAMS'],
    ['no content', { content: undefined }, 'INVALID_PARAMS'],
    ['an unknown field', { colour: 'red' }, 'QUERY_FIELD_NOT_ALLOWED'],
  ])('when %s then %s and nothing is stored', async (_what, extra, name) => {
    const before = await countTemplates();
    expect(await errorOf(s, '/relationshipTemplate/create', { content: {}, expiresAt: inHours(1), ...extra }, alice.key)).toBe(name);
    expect(await countTemplates()).toBe(before);
  });

  it('when the key is bound to no identity (even an admin key) then 403 FORBIDDEN saying so', async () => {
    const { status, body } = await s.rest('/relationshipTemplate/create', { content: {}, expiresAt: inHours(1) });
    expect(status).toBe(403);
    expect(body).toMatchObject({ name: 'FORBIDDEN', data: { reason: 'NO_IDENTITY' }, message: expect.stringContaining('--identity') });
  });

  it('when the key is bound to an address the server never issued then FORBIDDEN', async () => {
    const key = await s.keyWith(['template'], 'did:e:localhost:dids:0000000000000000000000');
    const { status, body } = await s.rest('/relationshipTemplate/create', { content: {}, expiresAt: inHours(1) }, { key });
    expect([status, body.name, body.data.reason]).toEqual([403, 'FORBIDDEN', 'UNKNOWN_IDENTITY']);
  });

  it('when the key has an identity but not the template scope then FORBIDDEN', async () => {
    const key = await s.keyWith(['device'], alice.address);
    expect(await errorOf(s, '/relationshipTemplate/create', { content: {}, expiresAt: inHours(1) }, key)).toBe('FORBIDDEN');
  });
});
