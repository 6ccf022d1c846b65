import { randomUUID } from 'node:crypto';
import { usernameKey } from '../../../src/domain/names/username-key';
import { createMissingUsers } from '../../../src/services/batch-assign/write-assignments';
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

  it.each([true, false])('when another call created one of the new users meanwhile then that user is found, the others created (names may repeat: %s)', async (namesMayRepeat) => {
    const domainId = await createDomain(s, `race ${namesMayRepeat}`);
    const [existing] = await createUsers(s, domainId, ['Early']);
    const [earlyNewId, lateNewId] = [randomUUID(), randomUUID()];
    let made: { usersByName: boolean } | undefined;

    await s.db.transaction(async (db) => {
      // the checked rows as validate-staged.ts leaves them: both users were unknown at check time
      await db.rows(`CREATE TEMPORARY TABLE batch_assign_checked ON COMMIT DROP AS
        SELECT * FROM (VALUES (2, $1::uuid, 'EARLY', $2, NULL::uuid, $4::uuid, NULL::text), (3, $1::uuid, 'late', $3, NULL::uuid, $5::uuid, NULL::text))
        AS c(line, domain_id, login_name, login_name_key, user_id, new_user_id, error_name)`,
      [domainId, usernameKey('EARLY'), usernameKey('late'), earlyNewId, lateNewId]);
      made = await createMissingUsers(db, { namesMayRepeat });
    });

    const users = await s.db.query('SELECT id, login_name FROM users WHERE domain_id = $1 ORDER BY login_name', [domainId]);
    // the one made gets its line's new id (staging.ts); the one found keeps its own
    expect(users).toEqual([{ id: existing, login_name: 'Early' }, { id: lateNewId, login_name: 'late' }]);
    expect(made).toEqual({ usersByName: true }); // 'EARLY' has not its row's new id: the assignments must look users up by name
  });
});
