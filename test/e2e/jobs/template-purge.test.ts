import { deleteInBatches } from '../../../src/jobs/batched-delete';
import { EXPIRED_ROWS, purgeExpiredRows } from '../../../src/jobs/expired-rows-purge';
import { startTestServer, TestServer } from '../../support/server';
import { newActor, templateOf, tokenFor } from '../relationshipTemplate/identities';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const idsIn = async (table: string, column: string, templateIds: string[]) =>
  (await s.db.query(`SELECT ${column} AS id FROM ${table} WHERE template_id = ANY($1) ORDER BY 1`, [templateIds])).map((r: { id: string }) => r.id);

describe('expired relationship templates purge', () => {
  it('when a template expired more than 7 days ago then it goes with its allocations, share tokens and their attempts; younger ones stay', async () => {
    const alice = await newActor(s, 'Alice');
    const bob = await newActor(s, 'Bob');
    const [old, recent, live] = [await templateOf(s, alice), await templateOf(s, alice), await templateOf(s, alice)];
    const tokens: Record<string, string> = {};
    for (const t of [old, recent, live]) {
      const token = await tokenFor(s, alice, t.id, { ephemeral: false });
      tokens[t.id] = token.id;
      await s.call('/relationshipTemplate/loadToken', { reference: token.reference.truncated }, bob.key); // bob's allocation
      await s.db.query(`INSERT INTO share_token_password_attempts (token_id, identity, window_started_at, attempts) VALUES ($1, $2, now(), 1)`,
        [token.id, bob.address]);
    }
    await s.db.query(`UPDATE relationship_templates SET expires_at = now() - interval '8 days' WHERE id = $1`, [old.id]);
    await s.db.query(`UPDATE relationship_templates SET expires_at = now() - interval '6 days' WHERE id = $1`, [recent.id]);
    const all = [old.id, recent.id, live.id];

    expect(await purgeExpiredRows(s.db)).toEqual({ downloadLinks: 0, shareTokens: 0, relationshipTemplates: 1, passwordAttempts: 0, importReplies: 0 });

    const kept = [recent.id, live.id].sort();
    expect((await s.db.query('SELECT id FROM relationship_templates WHERE id = ANY($1) ORDER BY 1', [all])).map((r: { id: string }) => r.id)).toEqual(kept);
    expect(await idsIn('relationship_template_allocations', 'template_id', all)).toEqual(kept);
    expect(await idsIn('share_tokens', 'id', all)).toEqual([tokens[recent.id], tokens[live.id]].sort());
    const attempts = await s.db.query('SELECT token_id FROM share_token_password_attempts WHERE token_id = ANY($1) ORDER BY 1', [Object.values(tokens)]);
    expect(attempts.map((r: { token_id: string }) => r.token_id)).toEqual([tokens[recent.id], tokens[live.id]].sort());
    // The purged template is gone for its owner too; the others still answer.
    expect((await s.rpc('/relationshipTemplate/get', { id: old.id }, alice.key)).error?.data.name).toBe('TEMPLATE_NOT_FOUND');
    expect((await s.call('/relationshipTemplate/get', { id: live.id }, alice.key)).id).toBe(live.id);

    expect((await purgeExpiredRows(s.db)).relationshipTemplates).toBe(0);
  });

  it('when more templates expired than one batch holds then the batches take them all, skipping a row another transaction holds', async () => {
    const carol = await newActor(s, 'Carol');
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await templateOf(s, carol)).id);
    await s.db.query(`UPDATE relationship_templates SET expires_at = now() - interval '30 days' WHERE id = ANY($1)`, [ids]);
    const holder = await s.db.begin();
    try {
      await holder.tx.rows('SELECT 1 FROM relationship_templates WHERE id = $1 FOR UPDATE', [ids[0]]); // e.g. a purge in another process
      expect(await deleteInBatches(s.db, EXPIRED_ROWS.relationshipTemplates, [7 * 24 * 3600], 2, 10)).toBe(5);
    } finally {
      await holder.rollback();
    }
    const left = await s.db.query('SELECT id FROM relationship_templates WHERE id = ANY($1)', [ids]);
    expect(left).toEqual([{ id: ids[0] }]);
  });
});
