import { startTestServer, TestServer } from '../../support/server';
import {
  bulkPinMatches,
  allAssignments, assignmentsOf, assignToken, batchForms, createDomain, createTokens, createUsers, HEADER,
} from './batch-fixtures';

let s: TestServer;
beforeAll(async () => { s = await startTestServer(); });
afterAll(() => s.close());

let seq = 0;
/** A domain with users u1…uN and DN/ST tokens <prefix>-1…<prefix>-N of its own, so tests do not meet. */
async function world(n: number) {
  const name = `batch domain ${++seq}`;
  const prefix = `B${seq}`;
  const domainId = await createDomain(s, name);
  const users = await createUsers(s, domainId, Array.from({ length: n }, (_, i) => `u${i + 1}`));
  const tokens = await createTokens(s, Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`));
  const row = (user: number, token: number, rest = 'ACTIVE,') => `${name},u${user},DN,ST,${prefix}-${token},${rest}`;
  return { name, prefix, domainId, users, tokens, row };
}

describe.each(batchForms)('/token/batchAssignTokens (%s)', (_form, send) => {
  it('when every row is good then each token is owned by its user, with status and PIN', async () => {
    const w = await world(3);
    const csv = [HEADER, w.row(1, 1, 'ACTIVE,1234'), w.row(2, 2, 'disabled,'), w.row(3, 3, ',')].join('\n');

    const { status, body } = await send(s, csv);

    expect(status).toBe(200);
    expect(body).toEqual({ error: 0, result: { total: 3, assigned: 3, failed: 0, errors: [] } });
    const rows = await assignmentsOf(s, w.prefix);
    expect(rows).toEqual([
      { serial: `${w.prefix}-1`, loginName: 'u1', role: 'owner', status: 'ACTIVE', pinHash: expect.stringMatching(/^hmac-sha256\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/) },
      { serial: `${w.prefix}-2`, loginName: 'u2', role: 'owner', status: 'DISABLED', pinHash: null },
      { serial: `${w.prefix}-3`, loginName: 'u3', role: 'owner', status: 'ACTIVE', pinHash: null },
    ]);
    // SPEC §8's bulk form, recomputed here: HMAC-SHA-256 under the pepper over salt ‖ PIN
    expect(bulkPinMatches(s.keys.pepper, '1234', rows[0].pinHash!)).toBe(true);
    expect(bulkPinMatches(s.keys.pepper, '1235', rows[0].pinHash!)).toBe(false);
  });

  it('when rows break each rule then partial mode writes the good ones and lists every bad one', async () => {
    const w = await world(12);
    const other = await createUsers(s, w.domainId, ['someone.else']);
    await assignToken(s, w.tokens[5], other[0]);
    const [deceased] = await createTokens(s, [`${w.prefix}-dead`], { status: 'DECEASED' });
    const csv = [
      HEADER,
      w.row(1, 1, 'ACTIVE,1234'),
      `no such domain,u2,DN,ST,${w.prefix}-2,,`,
      `${w.name},nobody,DN,ST,${w.prefix}-3,,`,
      `${w.name},u4,XX,ST,${w.prefix}-4,,`,
      `${w.name},u5,DN,ST,${w.prefix}-nope,,`,
      w.row(6, 6),
      w.row(7, 7), w.row(8, 7),
      w.row(9, 9, 'SUSPENDED,'),
      w.row(10, 10, 'ACTIVE,12'),
      `${w.name},u11,DN,ST`,
      `${w.name},,DN,ST,${w.prefix}-11,,`,
      `${w.name},u12,DN,ST,${w.prefix}-dead,,`,
      w.row(12, 12),
    ].join('\n');

    const { status, body } = await send(s, csv, { mode: 'partial' });

    expect(status).toBe(200);
    const serial = (n: number | string) => `${w.prefix}-${n}`;
    expect(body.result).toEqual({
      total: 14, assigned: 2, failed: 12,
      errors: [
        { line: 3, serial: serial(2), name: 'DOMAIN_NOT_FOUND', message: 'domain "no such domain" not found' },
        { line: 4, serial: serial(3), name: 'USER_NOT_FOUND', message: `user "nobody" not found in domain "${w.name}"` },
        { line: 5, serial: serial(4), name: 'PRODUCT_NOT_FOUND', message: 'product XX/ST not found' },
        { line: 6, serial: serial('nope'), name: 'TOKEN_NOT_FOUND', message: `token ${serial('nope')} of product DN/ST not found` },
        { line: 7, serial: serial(6), name: 'TOKEN_ALREADY_ASSIGNED', message: 'the token is already assigned to another user' },
        { line: 8, serial: serial(7), name: 'TOKEN_ALREADY_ASSIGNED', message: 'the token is named on 2 lines of the file (first on line 8); a token has one owner' },
        { line: 9, serial: serial(7), name: 'TOKEN_ALREADY_ASSIGNED', message: 'the token is named on 2 lines of the file (first on line 8); a token has one owner' },
        { line: 10, serial: serial(9), name: 'CSV_INVALID', message: 'status must be ACTIVE or DISABLED' },
        { line: 11, serial: serial(10), name: 'TOKEN_PIN_INVALID', message: 'the PIN must be 4 to 32 printable ASCII characters without spaces' },
        { line: 12, serial: null, name: 'CSV_INVALID', message: 'expected 7 fields as in the header, found 4' },
        { line: 13, serial: serial(11), name: 'CSV_INVALID', message: 'loginName is empty' },
        { line: 14, serial: serial('dead'), name: 'CONFLICT', message: 'the token is DECEASED and cannot be assigned' },
      ],
    });
    expect(await assignmentsOf(s, w.prefix)).toEqual([
      expect.objectContaining({ serial: serial(1), loginName: 'u1' }),
      expect.objectContaining({ serial: serial(12), loginName: 'u12' }),
      expect.objectContaining({ serial: serial(6), loginName: 'someone.else' }),
    ]);
    expect(await s.db.query('SELECT count(*)::int AS n FROM token_assignments WHERE token_id = $1', [deceased])).toEqual([{ n: 0 }]);
  });

  it('when one row in the middle is bad then atomic mode writes nothing and reports it', async () => {
    const w = await world(40);
    const rows = Array.from({ length: 40 }, (_, i) => w.row(i + 1, i + 1, 'ACTIVE,5555'));
    rows[19] = `${w.name},u20,DN,ST,${w.prefix}-missing,ACTIVE,5555`;
    const before = await allAssignments(s);
    const usersBefore = await s.db.query('SELECT count(*)::int AS n FROM users');

    const { status, body } = await send(s, [HEADER, ...rows].join('\r\n'));

    expect(status).toBe(422);
    expect(body).toEqual({
      error: 7002, name: 'BATCH_REJECTED', message: 'The batch was rejected; nothing was written',
      data: {
        total: 40, assigned: 0, failed: 1,
        errors: [{ line: 21, serial: `${w.prefix}-missing`, name: 'TOKEN_NOT_FOUND', message: `token ${w.prefix}-missing of product DN/ST not found` }],
      },
    });
    expect(await allAssignments(s)).toEqual(before);
    expect(await s.db.query('SELECT count(*)::int AS n FROM users')).toEqual(usersBefore);
  });

  it('when dryRun then the answer is the real one and nothing is written', async () => {
    const w = await world(3);
    const good = [HEADER, w.row(1, 1), w.row(2, 2, 'ACTIVE,9876')].join('\n');
    const bad = `${good}\n${w.name},ghost,DN,ST,${w.prefix}-3,,`;
    const before = await allAssignments(s);

    const ok = await send(s, good, { dryRun: true });
    const partial = await send(s, bad, { dryRun: true, mode: 'partial' });
    const rejected = await send(s, bad, { dryRun: true });

    expect(ok.body.result).toEqual({ total: 2, assigned: 2, failed: 0, errors: [] });
    expect(partial.body.result).toMatchObject({ total: 3, assigned: 2, failed: 1, errors: [{ line: 4, name: 'USER_NOT_FOUND' }] });
    expect([rejected.status, rejected.body.name, rejected.body.data.failed]).toEqual([422, 'BATCH_REJECTED', 1]);
    expect(await allAssignments(s)).toEqual(before);
  });

  it('when createUsers then unknown users of existing domains are created once and assigned', async () => {
    const w = await world(3);
    const csv = [HEADER, `${w.name},new.user,DN,ST,${w.prefix}-1,,`, `${w.name},new.user,DN,ST,${w.prefix}-2,,`,
      `other domain ${w.prefix},new.user,DN,ST,${w.prefix}-3,,`].join('\n');

    const dry = await send(s, csv, { createUsers: true, dryRun: true, mode: 'partial' });
    const usersAfterDryRun = await s.db.query('SELECT count(*)::int AS n FROM users WHERE domain_id = $1', [w.domainId]);
    const { body } = await send(s, csv, { createUsers: true, mode: 'partial' });

    expect(dry.body.result).toMatchObject({ total: 3, assigned: 2, failed: 1 });
    expect(usersAfterDryRun).toEqual([{ n: 3 }]);
    expect(body.result).toEqual({
      total: 3, assigned: 2, failed: 1,
      errors: [{ line: 4, serial: `${w.prefix}-3`, name: 'DOMAIN_NOT_FOUND', message: `domain "other domain ${w.prefix}" not found` }],
    });
    const created = await s.db.query('SELECT status FROM users WHERE domain_id = $1 AND login_name = $2', [w.domainId, 'new.user']);
    expect(created).toEqual([{ status: 'ACTIVE' }]);
    expect((await assignmentsOf(s, w.prefix)).map((r) => [r.serial, r.loginName])).toEqual([
      [`${w.prefix}-1`, 'new.user'], [`${w.prefix}-2`, 'new.user'],
    ]);
  });

  it('when createUsers makes users then their ids are version 7 UUIDs of now, in the order of the file', async () => {
    const w = await world(4);
    const names = ['zed', 'amy', 'mo', 'bea']; // not in key order: the ids follow the lines
    const before = Date.now();

    await send(s, [HEADER, ...names.map((n, i) => `${w.name},${n},DN,ST,${w.prefix}-${i + 1},,`)].join('\n'), { createUsers: true });

    // PostgreSQL's own reading of the ids (uuid_extract_*, PostgreSQL ≥ 17), not ours
    const made = await s.db.query<{ login_name: string; version: number; ms: number }>(`
      SELECT login_name, uuid_extract_version(id) AS version, (extract(epoch FROM uuid_extract_timestamp(id)) * 1000)::float8 AS ms
      FROM users WHERE domain_id = $1 AND login_name = ANY($2) ORDER BY id`, [w.domainId, names]);
    expect(made.map((u) => [u.login_name, u.version])).toEqual(names.map((n) => [n, 7]));
    for (const u of made) expect(u.ms).toBeGreaterThanOrEqual(before - 1);
    for (const u of made) expect(u.ms).toBeLessThanOrEqual(Date.now());
    expect((await assignmentsOf(s, w.prefix)).map((r) => [r.serial, r.loginName])).toEqual(names.map((n, i) => [`${w.prefix}-${i + 1}`, n]));
  });

  it('when a file is sent again then it succeeds and its PIN and status replace the stored ones', async () => {
    const w = await world(2);
    await assignToken(s, w.tokens[1], w.users[1], 'shared');
    await send(s, [HEADER, w.row(1, 1, 'ACTIVE,1111')].join('\n'));

    const { body } = await send(s, [HEADER, w.row(1, 1, 'DISABLED,2222'), w.row(2, 2)].join('\n'));

    expect(body.result).toEqual({ total: 2, assigned: 2, failed: 0, errors: [] });
    const rows = await assignmentsOf(s, w.prefix);
    expect(rows.map((r) => [r.serial, r.loginName, r.role, r.status])).toEqual([
      [`${w.prefix}-1`, 'u1', 'owner', 'DISABLED'], [`${w.prefix}-2`, 'u2', 'owner', 'ACTIVE'],
    ]);
    expect(bulkPinMatches(s.keys.pepper, '2222', rows[0].pinHash!)).toBe(true);
  });
});
