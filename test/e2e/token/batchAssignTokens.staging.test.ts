import { usernameKey } from '../../../src/domain/names/username-key';
import { createCheckedTable } from '../../../src/services/batch-assign/validate-staged';
import { writeAssignments } from '../../../src/services/batch-assign/write-assignments';
import { startTestServer, TestServer } from '../../support/server';
import { assignmentsOf, createDomain, createTokens, createUsers, HEADER, uploadCsv } from './batch-fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

describe('/token/batchAssignTokens staging and user creation', () => {
  it('when names hold the characters COPY escapes (backslash, tab, a literal \\N) then they are stored exactly as sent', async () => {
    await createDomain(s, 'copy-escapes');
    await createTokens(s, ['esc-1', 'esc-2', 'esc-3']);
    const names = ['back\\slash', 'tab\there', 'n\\N'];
    const rows = names.map((n, i) => `copy-escapes,"${n}",DN,ST,esc-${i + 1},,`);

    const { status, body } = await uploadCsv(s, `${HEADER}\n${rows.join('\n')}\n`, { query: { createUsers: true } });

    expect(status).toBe(200);
    expect(body.result).toEqual({ total: 3, assigned: 3, failed: 0, errors: [] });
    expect((await assignmentsOf(s, 'esc-')).map((a) => a.loginName)).toEqual(names);
  });

  it('when another call created one of the new users meanwhile then that user is found and assigned, the others created', async () => {
    const domainId = await createDomain(s, 'race');
    const [existing] = await createUsers(s, domainId, ['Early']);
    const tokenIds = await createTokens(s, ['race-1', 'race-2']);

    await s.db.transaction(async (db) => {
      // the checked rows as validate-staged.ts leaves them: both users were unknown at check time
      await createCheckedTable(db);
      await db.rows(`INSERT INTO batch_assign_checked (line, serial, status, pin_hash, domain_id, login_name, login_name_key, token_id, held_already)
        VALUES (2, 'race-1', NULL, NULL, $1, 'EARLY', $2, $3, false), (3, 'race-2', 'DISABLED', NULL, $1, 'late', $4, $5, false)`,
      [domainId, usernameKey('EARLY'), tokenIds[0], usernameKey('late'), tokenIds[1]]);
      await writeAssignments(db, { repeated: 0, createUsers: true });
    });

    const users = await s.db.query('SELECT id, login_name FROM users WHERE domain_id = $1 ORDER BY login_name', [domainId]);
    expect(users).toEqual([{ id: existing, login_name: 'Early' }, { id: expect.any(String), login_name: 'late' }]);
    expect(await assignmentsOf(s, 'race-')).toEqual([
      { serial: 'race-1', loginName: 'Early', role: 'owner', status: 'ACTIVE', pinHash: null },
      { serial: 'race-2', loginName: 'late', role: 'owner', status: 'DISABLED', pinHash: null },
    ]);
  });
});
