import { randomBytes } from 'node:crypto';
import { createUserTokenPurgeJob, userTokenPurgeJob } from '../../../src/jobs/user-token-purge';
import { jobs } from '../../../src/jobs';
import { createLogger } from '../../../src/log';
import { startTestServer, TestServer } from '../../support/server';
import { makeUser } from './user-token-fixtures';

let s: TestServer;
const log = createLogger('silent');
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());
beforeEach(() => s.db.query('DELETE FROM user_tokens'));

/** A token row as the service writes it (a random hash), with its timestamps set by SQL expressions; returns its id. */
async function seed(who: { ecosystemId: string; id: string }, set: { expires?: string; revoked?: string } = {}): Promise<string> {
  const [{ id }] = await s.db.query(
    `INSERT INTO user_tokens (token_hash, user_id, domain_id, expiry_type, ttl_seconds, expires_at, revoked_at)
     VALUES ($1, $2, $3, $4, $5, ${set.expires ?? 'NULL'}, ${set.revoked ?? 'NULL'}) RETURNING id`,
    [randomBytes(32), who.id, who.ecosystemId, set.expires ? 'FixedTtl' : 'Infinite', set.expires ? 60 : null],
  );
  return id;
}
/** Many dead tokens of one user in one statement. */
const seedMany = (who: { ecosystemId: string; id: string }, n: number) => s.db.query(
  `INSERT INTO user_tokens (token_hash, user_id, domain_id, expiry_type, ttl_seconds, expires_at, revoked_at)
   SELECT decode(md5(gen_random_uuid()::text), 'hex'), $1, $2, 'FixedTtl', 60, now() + interval '1 day', now() - interval '9 days'
     FROM generate_series(1, $3::int)`, [who.id, who.ecosystemId, n]);
const remaining = async () => (await s.db.query('SELECT count(*)::int AS n FROM user_tokens'))[0].n as number;

describe('user token purge job', () => {
  it('is one of the jobs every server process runs', () => {
    expect(jobs).toContain(userTokenPurgeJob);
  });

  it('deletes tokens revoked, expired or orphaned more than 7 days ago, and keeps the rest', async () => {
    const [live, goneLongAgo, goneRecently, inDeadEcosystem] = [await makeUser(s), await makeUser(s), await makeUser(s), await makeUser(s)];
    await s.db.query(`UPDATE users SET deleted_at = now() - interval '8 days' WHERE id = $1`, [goneLongAgo.id]);
    await s.db.query(`UPDATE users SET deleted_at = now() - interval '1 hour' WHERE id = $1`, [goneRecently.id]);
    await s.db.query(`UPDATE domains SET deleted_at = now() - interval '8 days' WHERE id = $1`, [inDeadEcosystem.ecosystemId]);
    const kept = [
      await seed(live, { expires: `now() + interval '1 hour'` }),
      await seed(live),
      await seed(live, { revoked: `now() - interval '1 hour'` }),
      await seed(live, { expires: `now() - interval '1 hour'` }),
      await seed(goneRecently),
    ];
    await seed(live, { revoked: `now() - interval '8 days'` });
    await seed(live, { expires: `now() - interval '8 days'` });
    await seed(goneLongAgo);
    await seed(inDeadEcosystem);

    await userTokenPurgeJob.run(s.db, log);

    const rows = await s.db.query('SELECT id FROM user_tokens');
    expect(rows.map((r: { id: string }) => r.id).sort()).toEqual([...kept].sort());
  });

  it('works in bounded batches: a pass deletes at most maxBatches × batchSize, the next pass goes on', async () => {
    await seedMany(await makeUser(s), 25);
    const job = createUserTokenPurgeJob({ batchSize: 10, maxBatches: 2 });
    await job.run(s.db, log);
    expect(await remaining()).toBe(5);
    await job.run(s.db, log);
    expect(await remaining()).toBe(0);
  });

  it('when several processes run it at once then together they delete every row, without errors', async () => {
    await seedMany(await makeUser(s), 3000);
    const job = createUserTokenPurgeJob({ batchSize: 100, maxBatches: 100 });
    await Promise.all([job.run(s.db, log), job.run(s.db, log), job.run(s.db, log)]);
    expect(await remaining()).toBe(0);
  });
});
