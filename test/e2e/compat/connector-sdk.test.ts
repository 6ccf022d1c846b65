import { ConnectorClient } from '@nmshd/connector-sdk';
import { startTestServer, TestServer } from '../../support/server';

/**
 * The enmeshed Connector's template and token API as its official SDK,
 * @nmshd/connector-sdk, uses it (SPEC §7): X-API-KEY, exactly 201 for POST and 200 for
 * GET with {result}, errors {error: {id, code, message, docs, time}}.
 */
let s: TestServer;
let alice: { address: string; client: ConnectorClient };
let bob: { address: string; client: ConnectorClient };
beforeAll(async () => {
  s = await startTestServer();
  const actor = async (name: string) => {
    const { address } = await s.call('/identity/create', { attrs: { name } });
    return { address, client: ConnectorClient.create({ baseUrl: s.url, apiKey: await s.keyWith(['template'], address) }) };
  };
  [alice, bob] = [await actor('Alice'), await actor('Bob')];
});
afterAll(() => s.close());

const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const content = { '@type': 'ArbitraryRelationshipTemplateContent', value: { greeting: 'hello' } } as const;

async function ownTemplate(extra: Record<string, unknown> = {}) {
  const created = await alice.client.relationshipTemplates.createOwnRelationshipTemplate({ content, expiresAt: inHours(24), ...extra });
  expect(created.isSuccess).toBe(true);
  return created.result;
}

describe('enmeshed Connector API with @nmshd/connector-sdk', () => {
  it('when a template is created then the SDK gets it in the Connector shape, and can read it back', async () => {
    const expiresAt = inHours(24);
    const created = await alice.client.relationshipTemplates.createOwnRelationshipTemplate({ content, expiresAt, maxNumberOfAllocations: 2 });
    expect(created.isSuccess).toBe(true);
    expect(created.result).toEqual({
      id: expect.stringMatching(/^RLT[A-Za-z0-9]{17}$/), isOwn: true, createdBy: alice.address,
      createdByDevice: expect.stringMatching(/^DVC[A-Za-z0-9]{17}$/), createdAt: expect.stringMatching(ISO),
      expiresAt, content, maxNumberOfAllocations: 2, truncatedReference: expect.stringMatching(/^UkxU[A-Za-z0-9_-]{66}$/),
    });
    const read = await alice.client.relationshipTemplates.getRelationshipTemplate(created.result.id);
    expect(read.result).toEqual(created.result);
    const own = await alice.client.relationshipTemplates.getOwnRelationshipTemplates();
    expect(own.result.map((t) => t.id)).toContain(created.result.id);
  });

  it('when a token is created for an own template then a peer loads the template through its reference', async () => {
    const template = await ownTemplate();
    const token = await alice.client.relationshipTemplates.createTokenForOwnRelationshipTemplate(template.id, { ephemeral: false });
    expect(token.result).toEqual({
      id: expect.stringMatching(/^TOK[A-Za-z0-9]{17}$/), createdBy: alice.address, createdByDevice: template.createdByDevice,
      createdAt: expect.stringMatching(ISO), expiresAt: template.expiresAt,
      content: { '@type': 'TokenContentRelationshipTemplate', templateId: template.id },
      truncatedReference: expect.stringMatching(/^VE9L[A-Za-z0-9_-]+$/), isEphemeral: false,
    });

    const loaded = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference: token.result.truncatedReference });
    expect(loaded.result).toEqual({ ...template, isOwn: false });
    const peers = await bob.client.relationshipTemplates.getPeerRelationshipTemplates();
    expect(peers.result.map((t) => t.id)).toEqual([template.id]);

    const { truncatedReference: _shownOnce, ...kept } = token.result;
    expect((await alice.client.tokens.getToken(token.result.id)).result).toEqual(kept);
    expect((await alice.client.tokens.getOwnTokens()).result).toContainEqual(kept);
  });

  it('when the template is password-protected then a peer loads it only with the password', async () => {
    const template = await ownTemplate({ passwordProtection: { password: '1234', passwordIsPin: true } });
    expect(template.passwordProtection).toEqual({ passwordIsPin: true });
    const token = await alice.client.relationshipTemplates.createTokenForOwnRelationshipTemplate(template.id, {
      passwordProtection: { password: '1234', passwordIsPin: true },
    });
    expect(token.result.passwordProtection).toEqual({ passwordIsPin: true });
    const reference = token.result.truncatedReference;

    const without = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference });
    expect(without.isError).toBe(true);
    expect(without.error).toEqual({
      id: 'error.tokengate.passwordInvalid', code: 'PASSWORD_INVALID', message: 'A password is required',
      docs: `${s.url}/openapi.json`, time: expect.stringMatching(ISO), stacktrace: undefined,
    });
    const wrong = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference, password: '9999' });
    expect(wrong.error.code).toBe('PASSWORD_INVALID');
    const right = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference, password: '1234' });
    expect(right.result).toEqual({ ...template, isOwn: false });
  });

  it("when a peer asks for a token for the owner's template then CANNOT_CREATE_TOKEN_FOR_PEER_TEMPLATE", async () => {
    const template = await ownTemplate();
    const token = await alice.client.relationshipTemplates.createTokenForOwnRelationshipTemplate(template.id);
    await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference: token.result.truncatedReference });
    const refused = await bob.client.relationshipTemplates.createTokenForOwnRelationshipTemplate(template.id);
    expect(refused.isError).toBe(true);
    expect(refused.error).toMatchObject({
      id: 'error.tokengate.cannotCreateTokenForPeerTemplate', code: 'CANNOT_CREATE_TOKEN_FOR_PEER_TEMPLATE',
      message: 'Tokens can only be created for your own templates',
    });
    expect((await s.db.query('SELECT count(*)::int AS n FROM share_tokens WHERE template_id = $1', [template.id]))[0].n).toBe(1);
  });

  it('when expiresAt lies in the past then template and token creation are refused with EXPIRES_AT_IN_PAST', async () => {
    const past = new Date(Date.now() - 60_000).toISOString();
    const template = await alice.client.relationshipTemplates.createOwnRelationshipTemplate({ content, expiresAt: past });
    expect(template.error).toMatchObject({ code: 'EXPIRES_AT_IN_PAST', id: 'error.tokengate.expiresAtInPast' });
    const own = await ownTemplate();
    const token = await alice.client.relationshipTemplates.createTokenForOwnRelationshipTemplate(own.id, { expiresAt: past });
    expect(token.error).toMatchObject({ code: 'EXPIRES_AT_IN_PAST' });
  });

  it("when a peer loads a template by the template's own truncatedReference then its rules still apply", async () => {
    const open = await ownTemplate();
    expect((await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference: open.truncatedReference })).result)
      .toEqual({ ...open, isOwn: false });

    const locked = await ownTemplate({ passwordProtection: { password: 'secret' } });
    expect(locked.passwordProtection).toEqual({}); // the Connector names passwordIsPin only when true; never the password
    const without = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference: locked.truncatedReference });
    expect(without.error).toMatchObject({ code: 'PASSWORD_INVALID' });
    const withIt = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference: locked.truncatedReference, password: 'secret' });
    expect(withIt.result.id).toBe(locked.id);

    const forAlice = await ownTemplate({ forIdentity: alice.address });
    const personal = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference: forAlice.truncatedReference });
    expect(personal.error).toMatchObject({ code: 'TOKEN_NOT_FOUND' });

    const forged = `${open.truncatedReference.slice(0, 30)}${open.truncatedReference.slice(30).split('').reverse().join('')}`;
    const refused = await bob.client.relationshipTemplates.loadPeerRelationshipTemplate({ reference: forged });
    expect(refused.error).toMatchObject({ code: 'TOKEN_NOT_FOUND' });
  });

  it("when the list is filtered by the Connector's query syntax then only matching templates come back", async () => {
    const first = await ownTemplate();
    const second = await ownTemplate({ expiresAt: inHours(48) });
    const later = await alice.client.relationshipTemplates.getRelationshipTemplates({ isOwn: true, createdAt: `>${first.createdAt}` });
    expect(later.result.map((t) => t.id)).toEqual([second.id]);
    const ranged = await alice.client.relationshipTemplates.getOwnRelationshipTemplates({ expiresAt: [`>${inHours(36)}`, `<${inHours(60)}`] });
    expect(ranged.result.map((t) => t.id)).toContain(second.id);
    expect(ranged.result.map((t) => t.id)).not.toContain(first.id);
    const unknown = await alice.client.relationshipTemplates.getRelationshipTemplates({ createdByDevice: 'DVCaaaaaaaaaaaaaaaaa' });
    expect(unknown.error).toMatchObject({ code: 'QUERY_FIELD_NOT_ALLOWED' });
  });

  it('when a template is unknown or not known to the caller then TEMPLATE_NOT_FOUND', async () => {
    const template = await ownTemplate();
    const unknown = await bob.client.relationshipTemplates.getRelationshipTemplate(template.id);
    expect(unknown.error).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', id: 'error.tokengate.templateNotFound' });
  });

  it('when a token is asked for as a PNG then 201 answers the QR code', async () => {
    const template = await ownTemplate();
    const png = await alice.client.relationshipTemplates.createTokenQrCodeForOwnRelationshipTemplate(template.id, {});
    expect(png.isSuccess).toBe(true);
    expect(Buffer.from(png.result as ArrayBuffer).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it("when a template is asked for as a PNG then 200 answers the QR code of its own reference", async () => {
    const template = await ownTemplate();
    const png = await alice.client.relationshipTemplates.getQrCodeForOwnRelationshipTemplate(template.id);
    expect(png.isSuccess).toBe(true);
    expect(Buffer.from(png.result as ArrayBuffer).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('when the API key is unknown then UNAUTHENTICATED; /health answers without one', async () => {
    const stranger = ConnectorClient.create({ baseUrl: s.url, apiKey: 'tgk_not-a-key' });
    const refused = await stranger.relationshipTemplates.getRelationshipTemplates();
    expect(refused.error).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await stranger.monitoring.getHealth()).toEqual({ isHealthy: true, services: { database: 'healthy' } });
  });
});
