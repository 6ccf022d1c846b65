import { startTestServer, TestServer } from '../../support/server';
import { keyedHash } from '../../../src/domain/crypto/secrets';
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

const countTokens = async () => (await s.db.query('SELECT count(*)::int AS n FROM share_tokens'))[0].n;

describe('/relationshipTemplate/createToken', () => {
  it('when only templateId is given then an ephemeral token expiring with the template, its reference shown once', async () => {
    const template = await templateOf(s, alice);
    const token = await tokenFor(s, alice, template.id);
    expect(token).toEqual({
      id: expect.stringMatching(/^TOK[A-Za-z0-9]{17}$/), isOwn: true, createdBy: alice.address,
      createdAt: expect.any(String), expiresAt: template.expiresAt, content: { templateId: template.id },
      reference: { truncated: expect.stringMatching(/^[A-Za-z0-9_-]{70}$/), url: `${s.url}/r/${token.reference.truncated}` },
      isEphemeral: true,
    });
  });

  it('when created then the reference names the token and the row keeps only a keyed hash of its secret', async () => {
    const template = await templateOf(s, alice, { passwordProtection: { password: 'open sesame' } });
    const token = await tokenFor(s, alice, template.id, { passwordProtection: { password: 'open sesame' } });
    const raw = Buffer.from(token.reference.truncated, 'base64url');
    expect(raw.subarray(0, 20).toString('ascii')).toBe(token.id);
    const secret = raw.subarray(20);
    expect(secret).toHaveLength(32);

    const [row] = await s.db.query('SELECT * FROM share_tokens WHERE id = $1', [token.id]);
    expect(row.secret_hash.equals(keyedHash(s.keys.pepper, secret.toString('base64url')))).toBe(true);
    const dump = JSON.stringify(row) + row.secret_hash.toString('hex');
    for (const leak of [token.reference.truncated, secret.toString('base64url'), secret.toString('hex'), 'open sesame']) {
      expect(dump).not.toContain(leak);
    }
    expect(JSON.stringify(token)).not.toContain('open sesame');
    expect(token.passwordProtection).toEqual({ passwordIsPin: false });
  });

  it('when expiresAt, ephemeral and forIdentity are given then the token carries them', async () => {
    const template = await templateOf(s, alice);
    const expiresAt = inHours(1);
    const token = await tokenFor(s, alice, template.id, { expiresAt, ephemeral: false, forIdentity: bob.address });
    expect(token).toMatchObject({ expiresAt, isEphemeral: false, forIdentity: bob.address });
  });

  it('when Accept: image/png on the legacy route then a QR code PNG of the reference URL', async () => {
    const template = await templateOf(s, alice);
    const before = await countTokens();
    const res = await fetch(`${s.url}/rest/relationshipTemplate/createToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'image/png', authorization: `Bearer ${alice.key}` },
      body: JSON.stringify({ templateId: template.id }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(200);
    expect(await countTokens()).toBe(before + 1);
  });

  describe('failures, each under its own name, and nothing stored', () => {
    let before: number;
    beforeEach(async () => { before = await countTokens(); });
    afterEach(async () => { expect(await countTokens()).toBe(before); });

    it('when the templateId is unknown or malformed then 404 TEMPLATE_NOT_FOUND', async () => {
      const { status, body } = await s.rest('/relationshipTemplate/createToken', { templateId: 'RLTaaaaaaaaaaaaaaaaa' }, { key: alice.key });
      expect([status, body.name]).toEqual([404, 'TEMPLATE_NOT_FOUND']);
      expect(await errorOf(s, '/relationshipTemplate/createToken', { templateId: 'x' }, alice.key)).toBe('TEMPLATE_NOT_FOUND');
    });

    it('when a peer that never loaded the template names it then TEMPLATE_NOT_FOUND', async () => {
      const template = await templateOf(s, alice);
      expect(await errorOf(s, '/relationshipTemplate/createToken', { templateId: template.id }, bob.key)).toBe('TEMPLATE_NOT_FOUND');
    });

    it("when the template is a peer's (loaded through a token) then 400 CANNOT_CREATE_TOKEN_FOR_PEER_TEMPLATE", async () => {
      const template = await templateOf(s, alice);
      const token = await tokenFor(s, alice, template.id);
      await s.call('/relationshipTemplate/loadToken', { reference: token.reference.truncated }, bob.key);
      before = await countTokens();
      const { status, body } = await s.rest('/relationshipTemplate/createToken', { templateId: template.id }, { key: bob.key });
      expect([status, body.name]).toEqual([400, 'CANNOT_CREATE_TOKEN_FOR_PEER_TEMPLATE']);
    });

    it('when expiresAt is in the past then 400 EXPIRES_AT_IN_PAST', async () => {
      const template = await templateOf(s, alice);
      const { status, body } = await s.rest('/relationshipTemplate/createToken', { templateId: template.id, expiresAt: '2001-01-01T00:00:00Z' }, { key: alice.key });
      expect([status, body.name]).toEqual([400, 'EXPIRES_AT_IN_PAST']);
    });

    it("when the template has expired then EXPIRES_AT_IN_PAST (the default expiry, the template's, has passed)", async () => {
      const template = await templateOf(s, alice);
      await s.db.query("UPDATE relationship_templates SET expires_at = now() - interval '1 minute' WHERE id = $1", [template.id]);
      expect(await errorOf(s, '/relationshipTemplate/createToken', { templateId: template.id }, alice.key)).toBe('EXPIRES_AT_IN_PAST');
      expect(await errorOf(s, '/relationshipTemplate/createToken', { templateId: template.id, expiresAt: inHours(1) }, alice.key)).toBe('EXPIRES_AT_IN_PAST');
    });

    it.each([
      ['no forIdentity', () => ({})],
      ['another identity', () => ({ forIdentity: carol.address })],
    ])('when the template is personalized and the token has %s then PERSONALIZATION_MUST_BE_INHERITED', async (_what, extra) => {
      const template = await templateOf(s, alice, { forIdentity: bob.address });
      const { status, body } = await s.rest('/relationshipTemplate/createToken', { templateId: template.id, ...extra() }, { key: alice.key });
      expect([status, body.name]).toEqual([400, 'PERSONALIZATION_MUST_BE_INHERITED']);
    });

    it.each([
      ['no password', undefined],
      ['another password', { password: '12345' }],
      ['the same password not marked as a PIN', { password: '1234' }],
      ['the same password with passwordIsPin false', { password: '1234', passwordIsPin: false }],
    ])('when the template is password-protected and the token has %s then PASSWORD_PROTECTION_MUST_BE_INHERITED', async (_what, protection) => {
      const template = await templateOf(s, alice, { passwordProtection: { password: '1234', passwordIsPin: true } });
      const { status, body } = await s.rest('/relationshipTemplate/createToken', { templateId: template.id, passwordProtection: protection }, { key: alice.key });
      expect([status, body.name]).toEqual([400, 'PASSWORD_PROTECTION_MUST_BE_INHERITED']);
    });

    it.each(['abcd', '123', '12345678901234567', '12 34'])('when passwordIsPin and the password is %j then PIN_INVALID', async (password) => {
      const template = await templateOf(s, alice);
      const { status, body } = await s.rest('/relationshipTemplate/createToken', { templateId: template.id, passwordProtection: { password, passwordIsPin: true } }, { key: alice.key });
      expect([status, body.name]).toEqual([400, 'PIN_INVALID']);
    });

    it('when the key is bound to no identity then FORBIDDEN', async () => {
      const template = await templateOf(s, alice);
      expect(await errorOf(s, '/relationshipTemplate/createToken', { templateId: template.id }, await s.keyWith(['template']))).toBe('FORBIDDEN');
    });
  });

  it('when the template is personalized and password-protected and the token inherits both then it is created', async () => {
    const template = await templateOf(s, alice, { forIdentity: bob.address, passwordProtection: { password: '0000', passwordIsPin: true } });
    const token = await tokenFor(s, alice, template.id, { forIdentity: bob.address, passwordProtection: { password: '0000', passwordIsPin: true } });
    expect(token).toMatchObject({ forIdentity: bob.address, passwordProtection: { passwordIsPin: true } });
  });

  it('when the template is neither then the token may be personalized and protected on its own, with a 16-digit PIN', async () => {
    const template = await templateOf(s, alice);
    const token = await tokenFor(s, alice, template.id, { forIdentity: carol.address, passwordProtection: { password: '1'.repeat(16), passwordIsPin: true } });
    expect(token).toMatchObject({ forIdentity: carol.address, passwordProtection: { passwordIsPin: true } });
  });
});
