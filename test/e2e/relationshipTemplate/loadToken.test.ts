import { startTestServer, TestServer } from '../../support/server';
import { Actor, errorOf, newActor, templateOf, tokenFor } from './identities';

let s: TestServer;
let alice: Actor;
let bob: Actor;
let carol: Actor;
beforeAll(async () => {
  s = await startTestServer();
  [alice, bob, carol] = [await newActor(s, 'Alice'), await newActor(s, 'Bob'), await newActor(s, 'Carol')];
});
afterAll(() => s.close());

const load = (who: Actor, reference: string, password?: string) =>
  s.rest('/relationshipTemplate/loadToken', { reference, ...(password === undefined ? {} : { password }) }, { key: who.key });

describe('/relationshipTemplate/loadToken', () => {
  it('when a peer loads a token then the template as it sees it (isOwn false), and the owner sees isOwn true', async () => {
    const template = await templateOf(s, alice);
    const token = await tokenFor(s, alice, template.id);
    expect(await s.call('/relationshipTemplate/loadToken', { reference: token.reference.truncated }, bob.key)).toEqual({ ...template, isOwn: false });
    expect(await s.call('/relationshipTemplate/loadToken', { reference: token.reference.url }, alice.key)).toEqual(template);
  });

  it('when the reference is unknown, malformed or its secret altered then 404 TOKEN_NOT_FOUND', async () => {
    const token = await tokenFor(s, alice, (await templateOf(s, alice)).id);
    const raw = Buffer.from(token.reference.truncated, 'base64url');
    raw[raw.length - 1] ^= 1;
    for (const reference of ['nope', 'a/b/c', raw.toString('base64url'), token.reference.truncated.slice(0, -2)]) {
      const { status, body } = await load(bob, reference);
      expect([reference, status, body.name]).toEqual([reference, 404, 'TOKEN_NOT_FOUND']);
    }
  });

  it('when the token or its template has expired then TOKEN_NOT_FOUND', async () => {
    const template = await templateOf(s, alice);
    const [a, b] = [await tokenFor(s, alice, template.id), await tokenFor(s, alice, template.id)];
    await s.db.query("UPDATE share_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [a.id]);
    expect((await load(bob, a.reference.truncated)).body.name).toBe('TOKEN_NOT_FOUND');
    expect((await load(bob, b.reference.truncated)).status).toBe(200);
    await s.db.query("UPDATE relationship_templates SET expires_at = now() - interval '1 second' WHERE id = $1", [template.id]);
    expect((await load(bob, b.reference.truncated)).body.name).toBe('TOKEN_NOT_FOUND');
  });

  it('when the template is personalized for someone else then TOKEN_NOT_FOUND; for the caller, it loads', async () => {
    const template = await templateOf(s, alice, { forIdentity: carol.address });
    const token = await tokenFor(s, alice, template.id, { forIdentity: carol.address });
    expect((await load(bob, token.reference.truncated)).body.name).toBe('TOKEN_NOT_FOUND');
    expect((await load(carol, token.reference.truncated)).body.result).toEqual({ ...template, isOwn: false });
  });

  it('when only the token is personalized for someone else then TOKEN_NOT_FOUND too', async () => {
    const token = await tokenFor(s, alice, (await templateOf(s, alice)).id, { forIdentity: carol.address });
    expect((await load(bob, token.reference.truncated)).body.name).toBe('TOKEN_NOT_FOUND');
    expect((await load(carol, token.reference.truncated)).status).toBe(200);
  });

  describe('password protection', () => {
    const PIN = { password: '4711', passwordIsPin: true };
    const protectedToken = async () => {
      const template = await templateOf(s, alice, { passwordProtection: PIN });
      return tokenFor(s, alice, template.id, { passwordProtection: PIN });
    };
    const attemptRows = (tokenId: string) =>
      s.db.query('SELECT identity, attempts FROM share_token_password_attempts WHERE token_id = $1 ORDER BY identity', [tokenId]);

    it('when the password is missing then 403 PASSWORD_INVALID saying a PIN is wanted, not counted as a guess', async () => {
      const token = await protectedToken();
      const { status, body } = await load(bob, token.reference.truncated);
      expect([status, body.name, body.data]).toEqual([403, 'PASSWORD_INVALID', { passwordIsPin: true }]);
      expect(await attemptRows(token.id)).toEqual([]);
    });

    it('when the password is right then the template, and the owner needs none', async () => {
      const token = await protectedToken();
      expect((await load(bob, token.reference.truncated, '4711')).body.result).toMatchObject({ passwordProtection: { passwordIsPin: true }, isOwn: false });
      expect((await load(alice, token.reference.truncated)).body.result.isOwn).toBe(true);
    });

    it('when 5 wrong guesses then each PASSWORD_INVALID counting down, kept although the calls failed; the 6th, even right, 429 RATE_LIMITED', async () => {
      const token = await protectedToken();
      for (let left = 4; left >= 0; left -= 1) {
        const { status, body } = await load(bob, token.reference.truncated, '0000');
        expect([status, body.name, body.data]).toEqual([403, 'PASSWORD_INVALID', { passwordIsPin: true, attemptsLeft: left }]);
      }
      const limited = await load(bob, token.reference.truncated, '4711');
      expect([limited.status, limited.body.name]).toEqual([429, 'RATE_LIMITED']);
      expect(limited.body.data).toEqual({ retryAfter: expect.any(Number) });
      expect(limited.body.data.retryAfter).toBeGreaterThan(800);
      expect(limited.body.data.retryAfter).toBeLessThanOrEqual(900);
      expect(limited.headers.get('retry-after')).toBe(String(limited.body.data.retryAfter));
      expect(await attemptRows(token.id)).toEqual([{ identity: bob.address, attempts: 6 }]);

      // The limit is per caller: another identity still gets in.
      const other = await tokenFor(s, alice, (await templateOf(s, alice, { passwordProtection: PIN })).id, { passwordProtection: PIN });
      expect((await load(carol, other.reference.truncated, '4711')).status).toBe(200);
      expect((await load(carol, token.reference.truncated, '4711')).status).toBe(200);
    });

    it('when the 15-minute window has passed then guessing may resume, and a right password clears the count', async () => {
      const token = await protectedToken();
      for (let i = 0; i < 6; i += 1) await load(bob, token.reference.truncated, '0000');
      expect((await load(bob, token.reference.truncated, '4711')).body.name).toBe('RATE_LIMITED');
      await s.db.query("UPDATE share_token_password_attempts SET window_started_at = now() - interval '16 minutes' WHERE token_id = $1", [token.id]);
      expect((await load(bob, token.reference.truncated, '4711')).status).toBe(200);
      expect(await attemptRows(token.id)).toEqual([]);
    });

    it('when 8 wrong guesses arrive at once then exactly 5 are checked and 3 are RATE_LIMITED', async () => {
      const token = await protectedToken();
      const replies = await Promise.all(Array.from({ length: 8 }, () => load(bob, token.reference.truncated, '9999')));
      const names = replies.map((r) => r.body.name).sort();
      expect(names).toEqual([...Array(5).fill('PASSWORD_INVALID'), ...Array(3).fill('RATE_LIMITED')]);
      for (const r of replies.filter((x) => x.status === 429)) expect(Number(r.headers.get('retry-after'))).toBe(r.body.data.retryAfter);
    });
  });

  describe('maxNumberOfAllocations', () => {
    it('when as many peers as allowed hold it then a new peer gets TEMPLATE_NOT_FOUND; holders and the owner still load it', async () => {
      const template = await templateOf(s, alice, { maxNumberOfAllocations: 1 });
      const token = await tokenFor(s, alice, template.id);
      expect((await load(bob, token.reference.truncated)).status).toBe(200);
      expect((await load(bob, token.reference.truncated)).status).toBe(200);
      const { status, body } = await load(carol, token.reference.truncated);
      expect([status, body.name, body.data]).toEqual([404, 'TEMPLATE_NOT_FOUND', { reason: 'ALLOCATIONS_EXHAUSTED' }]);
      expect((await load(alice, token.reference.truncated)).status).toBe(200);
      expect(await s.db.query('SELECT identity FROM relationship_template_allocations WHERE template_id = $1', [template.id]))
        .toEqual([{ identity: bob.address }]);
    });

    it('when several peers race for the last allocation then exactly one gets it', async () => {
      const template = await templateOf(s, alice, { maxNumberOfAllocations: 1 });
      const token = await tokenFor(s, alice, template.id);
      const peers = await Promise.all([1, 2, 3, 4].map((i) => newActor(s, `peer ${i}`)));
      const replies = await Promise.all(peers.map((p) => load(p, token.reference.truncated)));
      expect(replies.map((r) => r.status).sort()).toEqual([200, 404, 404, 404]);
    });
  });

  it('when audited then the target is the token id, never the reference or the password', async () => {
    const template = await templateOf(s, alice, { passwordProtection: { password: 'hunter2' } });
    const token = await tokenFor(s, alice, template.id, { passwordProtection: { password: 'hunter2' } });
    await load(bob, token.reference.truncated, 'hunter2');
    const rows = await s.db.query("SELECT target FROM audit_log WHERE method = '/relationshipTemplate/loadToken' ORDER BY id DESC LIMIT 1");
    expect(rows).toEqual([{ target: token.id }]);
    const dump = JSON.stringify(await s.db.query('SELECT * FROM audit_log'));
    expect(dump).not.toContain(token.reference.truncated);
    expect(dump).not.toContain('hunter2');
    expect(await errorOf(s, '/relationshipTemplate/loadToken', { reference: token.reference.truncated, password: 'x' }, bob.key)).toBe('PASSWORD_INVALID');
  });
});
