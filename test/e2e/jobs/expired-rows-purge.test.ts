import { purgeExpiredRows } from '../../../src/jobs/expired-rows-purge';
import { startTestServer, TestServer } from '../../support/server';
import { newActor, templateOf, tokenFor } from '../relationshipTemplate/identities';
import { makeUser } from '../token/fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const count = async (table: string) => (await s.db.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

describe('expired-rows purge job', () => {
  it('when links, share tokens and attempt windows ended past the grace period then they go, and live ones stay', async () => {
    const user = await makeUser(s);
    const { serial } = await s.call('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } }, return: ['serial'] });
    await s.call('/token/getDownloadUrl', { token: { serial } });
    await s.call('/token/getDownloadUrl', { token: { serial } });
    await s.db.query(`UPDATE token_download_links SET expires_at = now() - interval '8 days'
                       WHERE code_hash = (SELECT code_hash FROM token_download_links LIMIT 1)`);

    const alice = await newActor(s, 'Alice');
    const template = await templateOf(s, alice);
    const [old, live] = [await tokenFor(s, alice, template.id, { ephemeral: false }), await tokenFor(s, alice, template.id, { ephemeral: false })];
    await s.db.query(`INSERT INTO share_token_password_attempts (token_id, identity, window_started_at, attempts)
                      VALUES ($1, 'x', now() - interval '8 days', 3), ($2, 'y', now(), 1)`, [live.id, live.id]);
    await s.db.query(`UPDATE share_tokens SET expires_at = now() - interval '8 days' WHERE id = $1`, [old.id]);
    // an import reply a dead process left (8 days old), and one being written now
    await s.db.query(`INSERT INTO token_import_replies (import_id, position, id, serial, created_at)
                      VALUES (gen_random_uuid(), 1, gen_random_uuid(), 'LEFT-1', now() - interval '8 days'), (gen_random_uuid(), 1, gen_random_uuid(), 'LIVE-1', now())`);

    expect(await purgeExpiredRows(s.db)).toEqual({ downloadLinks: 1, shareTokens: 1, relationshipTemplates: 0, passwordAttempts: 1, importReplies: 1 });
    expect([await count('token_download_links'), await count('share_tokens'), await count('share_token_password_attempts')]).toEqual([1, 1, 1]);
    expect(await s.db.query('SELECT serial FROM token_import_replies')).toEqual([{ serial: 'LIVE-1' }]);
    expect(await purgeExpiredRows(s.db)).toEqual({ downloadLinks: 0, shareTokens: 0, relationshipTemplates: 0, passwordAttempts: 0, importReplies: 0 });
  });
});
