import { Client } from 'pg';
import { startTestServer, TestServer } from '../../support/server';
import { importCsv, makeUser } from './fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

const assignments = (serial: string) => s.db.query(
  `SELECT a.user_id AS "userId", a.role, a.pin_hash IS NOT NULL AS "hasPin" FROM token_assignments a JOIN tokens t ON t.id = a.token_id
    WHERE t.serial = $1 ORDER BY a.created_at`, [serial]);

describe('/token/assign', () => {
  beforeAll(() => importCsv(s, ['A-1', 'A-2', 'A-3', 'A-4'].map((serial) => `${serial},${'aa'.repeat(20)},HOTP,6,0`)));

  it('when a free token is assigned then the user becomes its owner, with the PIN hashed', async () => {
    const user = await makeUser(s);
    const reply = await s.call('/token/assign', { token: { serial: 'A-1' }, user: { id: user.id }, pin: '9876' });
    expect(reply).toEqual({ id: expect.any(String), serial: 'A-1', user: { id: user.id }, role: 'owner' });
    expect(await assignments('A-1')).toEqual([{ userId: user.id, role: 'owner', hasPin: true }]);
  });

  it('when the token has an owner then TOKEN_ALREADY_ASSIGNED, unless shared is true', async () => {
    const owner = await makeUser(s);
    const other = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'A-2' }, user: { id: owner.id } });
    const { status, body } = await s.rest('/token/assign', { token: { serial: 'A-2' }, user: { id: other.id } });
    expect(status).toBe(409);
    expect(body.name).toBe('TOKEN_ALREADY_ASSIGNED');
    expect(await s.call('/token/assign', { token: { serial: 'A-2' }, user: { id: other.id }, shared: true })).toMatchObject({ role: 'shared' });
    const token = await s.call('/token/get', { token: { serial: 'A-2' }, return: [{ assignedUsers: ['id'] }, { sharedUsers: ['id'] }, { users: ['id'] }] });
    expect(token).toEqual({ assignedUsers: [{ id: owner.id }], sharedUsers: [{ id: other.id }], users: [{ id: owner.id }, { id: other.id }] });
  });

  it('when the user already holds the token then TOKEN_ALREADY_ASSIGNED, shared or not', async () => {
    const user = await makeUser(s);
    await s.call('/token/assign', { token: { serial: 'A-3' }, user: { id: user.id } });
    for (const shared of [false, true]) {
      expect((await s.rpc('/token/assign', { token: { serial: 'A-3' }, user: { id: user.id }, shared })).error?.data.name).toBe('TOKEN_ALREADY_ASSIGNED');
    }
    expect(await assignments('A-3')).toHaveLength(1);
  });

  it('when the token is named by id and the user by domain and loginName then it works the same', async () => {
    const user = await makeUser(s);
    const [{ id }] = await s.db.query(`SELECT id FROM tokens WHERE serial = 'A-4'`);
    expect(await s.call('/token/assign', { id, user: { domain: { name: user.domain.name }, loginNam: user.loginName } })).toMatchObject({ serial: 'A-4', role: 'owner' });
  });

  it('when the token is DECEASED then 409 CONFLICT with data.reason DECEASED and nothing is assigned', async () => {
    await importCsv(s, [`A-DEAD,${'bb'.repeat(20)},HOTP,6,0`]);
    const [{ id }] = await s.db.query(`SELECT id FROM tokens WHERE serial = 'A-DEAD'`);
    await s.call('/token/set', { id, attrs: { status: 'DECEASED' } });
    const user = await makeUser(s);
    for (const shared of [false, true]) {
      const { status, body } = await s.rest('/token/assign', { token: { serial: 'A-DEAD' }, user: { id: user.id }, shared });
      expect(status).toBe(409);
      expect(body).toEqual({ error: expect.any(Number), name: 'CONFLICT', message: 'The token is DECEASED and cannot be assigned', data: { reason: 'DECEASED' } });
    }
    expect(await assignments('A-DEAD')).toEqual([]);
  });

  it.each([
    ['an unknown token', { token: { serial: 'nope' } }, 'TOKEN_NOT_FOUND'],
    ['an unknown user', { token: { serial: 'A-1' }, user: { id: '00000000-0000-4000-8000-000000000000' } }, 'USER_NOT_FOUND'],
    ['a short PIN', { token: { serial: 'A-1' }, pin: '12' }, 'TOKEN_PIN_INVALID'],
    ['a PIN with a space', { token: { serial: 'A-1' }, pin: '12 34' }, 'TOKEN_PIN_INVALID'],
    ['a PIN of 33 characters', { token: { serial: 'A-1' }, pin: 'x'.repeat(33) }, 'TOKEN_PIN_INVALID'],
  ])('when given %s then %s', async (_what, params, name) => {
    const user = await makeUser(s);
    expect((await s.rpc('/token/assign', { user: { id: user.id }, ...params })).error?.data.name).toBe(name);
  });
});

/**
 * Pauses a transaction at a chosen point: a trigger takes an advisory lock that `held`
 * holds on its own connection, so the call waits there, with its row locks, until released.
 */
async function withPause<T>(key: number, run: (resume: () => Promise<void>) => Promise<T>): Promise<T> {
  const held = new Client({ connectionString: s.databaseUrl });
  await held.connect();
  try {
    await held.query('SELECT pg_advisory_lock($1)', [key]);
    return await run(async () => { await held.query('SELECT pg_advisory_unlock($1)', [key]); });
  } finally {
    await held.end();
  }
}

/** Polls until `n` backends of this database wait on a lock of one of `kinds`, or `settled` is true. */
async function waitForWaiters(kinds: string[], settled: () => boolean = () => false) {
  for (let i = 0; i < 200 && !settled(); i++) {
    const [{ n }] = await s.db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = ANY($1)`,
      [kinds]);
    if (n > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Resolves to the reply, and marks when it arrived. */
function tracked<T>(p: Promise<T>) {
  const t = { done: false, reply: p.finally(() => { t.done = true; }) };
  return t;
}

describe('/token/assign and /token/create against a concurrent /user/delete', () => {
  beforeAll(() => s.db.query(`
    CREATE FUNCTION pause_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock(TG_ARGV[0]::bigint); RETURN NULL; END $$;
    CREATE TRIGGER pause_user_delete AFTER UPDATE ON users FOR EACH ROW
      WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL) EXECUTE FUNCTION pause_for_test('771');
    CREATE TRIGGER pause_assignment AFTER INSERT ON token_assignments FOR EACH ROW EXECUTE FUNCTION pause_for_test('772');`));
  afterAll(() => s.db.query('DROP TRIGGER pause_user_delete ON users; DROP TRIGGER pause_assignment ON token_assignments; DROP FUNCTION pause_for_test'));

  it('when the user is being deleted then an assignment waits for it and answers USER_NOT_FOUND', async () => {
    await importCsv(s, [`A-RACE-1,${'cc'.repeat(20)},HOTP,6,0`]);
    const user = await makeUser(s);
    const [deleted, assigned] = await withPause(771, async (resume) => {
      const deleting = s.rest('/user/delete', { id: user.id });
      await waitForWaiters(['advisory']);
      const assigning = tracked(s.rest('/token/assign', { token: { serial: 'A-RACE-1' }, user: { id: user.id } }));
      await waitForWaiters(['transactionid', 'tuple'], () => assigning.done);
      await resume();
      return Promise.all([deleting, assigning.reply]);
    });
    expect(deleted.body).toEqual({ error: 0, result: { id: user.id, unassignedTokens: 0 } });
    expect([assigned.status, assigned.body.name]).toEqual([404, 'USER_NOT_FOUND']);
    expect(await assignments('A-RACE-1')).toEqual([]);
  });

  it('when an assignment is being made then the delete waits for it and removes it', async () => {
    await importCsv(s, [`A-RACE-2,${'dd'.repeat(20)},HOTP,6,0`]);
    const user = await makeUser(s);
    const [assigned, deleted] = await withPause(772, async (resume) => {
      const assigning = s.rest('/token/assign', { token: { serial: 'A-RACE-2' }, user: { id: user.id } });
      await waitForWaiters(['advisory']);
      const deleting = tracked(s.rest('/user/delete', { id: user.id }));
      await waitForWaiters(['transactionid', 'tuple'], () => deleting.done);
      await resume();
      return Promise.all([assigning, deleting.reply]);
    });
    expect(assigned.body.result).toMatchObject({ serial: 'A-RACE-2', role: 'owner' });
    expect(deleted.body).toEqual({ error: 0, result: { id: user.id, unassignedTokens: 1 } });
    expect(await assignments('A-RACE-2')).toEqual([]);
  });

  it('when the user is being deleted then a new software token for it waits and is not made', async () => {
    const user = await makeUser(s);
    const count = async () => (await s.db.query('SELECT count(*)::int AS n FROM tokens'))[0].n;
    const before = await count();
    const [, created] = await withPause(771, async (resume) => {
      const deleting = s.rest('/user/delete', { id: user.id });
      await waitForWaiters(['advisory']);
      const creating = tracked(s.rest('/token/create', { attrs: { product: { manufacturerCode: 'DN', productCode: 'MT' }, user: { id: user.id } } }));
      await waitForWaiters(['transactionid', 'tuple'], () => creating.done);
      await resume();
      return Promise.all([deleting, creating.reply]);
    });
    expect([created.status, created.body.name]).toEqual([404, 'USER_NOT_FOUND']);
    expect(await count()).toBe(before);
  });
});
