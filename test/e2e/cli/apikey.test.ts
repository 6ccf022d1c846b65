import { registerAdminCommands } from '../../../src/cli/admin-commands';
import { cliAgainstTestServer } from '../../support/cli-in-process';

/** `tokengate apikey create|list|revoke`, run in-process against this file's database: the /apikey methods, audited. */
const cli = cliAgainstTestServer(registerAdminCommands, { withErrors: false });
const run = (...args: string[]) => cli.run(...args);

const auditRows = async (method: string) => (await cli.s.call('/audit/search', { match: [['method', '=', method], ['caller', '=', 'operator:cli']], orderBy: ['time'] })).rows;

describe('tokengate apikey', () => {
  it('when a key is created then it is printed once, works, and the audit log has the call by operator:cli', async () => {
    const created = JSON.parse(await run('apikey', 'create', '--name', 'cli-made', '--scope', 'token:read', 'directory'));
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), key: expect.stringMatching(/^tgk_/) });
    expect(await cli.s.call('/apikey/whoami', {}, created.key)).toEqual({ id: created.id, name: 'cli-made', scopes: ['token:read', 'directory'], identity: null });
    expect(await auditRows('/apikey/create')).toEqual([{
      time: expect.any(String), caller: 'operator:cli', method: '/apikey/create', target: created.id, outcome: 'ok', errorName: null, durationMs: expect.any(Number),
    }]);
    expect(JSON.stringify(await cli.s.db.query('SELECT * FROM audit_log'))).not.toContain(created.key);
  });

  it('when a key is revoked then it stops working and the audit log has the revocation against it', async () => {
    const { id, key } = JSON.parse(await run('apikey', 'create', '--name', 'cli-revoked', '--scope', 'admin'));
    expect(JSON.parse(await run('apikey', 'revoke', id))).toEqual({ id, revokedAt: expect.any(String) });
    expect((await cli.s.rpc('/apikey/whoami', {}, key)).error?.data.name).toBe('UNAUTHENTICATED');
    expect(await auditRows('/apikey/revoke')).toEqual([{
      time: expect.any(String), caller: 'operator:cli', method: '/apikey/revoke', target: id, outcome: 'ok', errorName: null, durationMs: expect.any(Number),
    }]);
  });

  it('when the expiry is not a date-time then the schema refuses it, nothing is made, and the refusal is audited', async () => {
    const before = await cli.s.db.query(`SELECT count(*)::int AS n FROM api_keys`);
    await expect(run('apikey', 'create', '--name', 'cli-bad', '--scope', 'admin', '--expires-at', 'tomorrow'))
      .rejects.toThrow(/^INVALID_PARAMS: .*\n {2}\/attrs\/expiresAt must match format "date-time"/);
    expect(await cli.s.db.query(`SELECT count(*)::int AS n FROM api_keys`)).toEqual(before);
    expect((await auditRows('/apikey/create')).at(-1)).toMatchObject({ outcome: 'error', errorName: 'INVALID_PARAMS', target: null });
  });

  it('when keys are listed then the list is the metadata, never a key, and the listing is audited', async () => {
    const listed = JSON.parse(await run('apikey', 'list')) as Record<string, unknown>[];
    expect(listed.map((k) => k.name)).toEqual(expect.arrayContaining(['test admin', 'cli-made', 'cli-revoked']));
    expect(JSON.stringify(listed)).not.toMatch(/tgk_/);
    expect(await auditRows('/apikey/search')).toHaveLength(1);
  });
});
