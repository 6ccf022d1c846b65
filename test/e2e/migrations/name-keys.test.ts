import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrations } from '../../../migrations';
import { NameKeys1764130000008 } from '../../../migrations/1764130000008-name-keys';
import { openTestDb, openTestDbMigratedThrough } from '../../support/test-db';

/** Migration 1764130000008 on a database that already holds names, as an upgrade meets it. */
const serverUrl = process.env.TOKENGATE_TEST_PG_URL!;
let url: string;
let dbName: string;

async function admin<T>(work: (c: Client) => Promise<T>, target = serverUrl): Promise<T> {
  const c = new Client({ connectionString: target });
  await c.connect();
  try { return await work(c); } finally { await c.end(); }
}
const query = (sql: string, params: unknown[] = []) => admin(async (c) => (await c.query(sql, params)).rows, url);

beforeAll(async () => {
  dbName = `tg_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${dbName}`));
  const u = new URL(serverUrl);
  u.pathname = `/${dbName}`;
  url = u.toString();
  // The schema as it was before this migration.
  const before = await openTestDbMigratedThrough(url, migrations.slice(0, migrations.indexOf(NameKeys1764130000008)));
  await before.close();
  const [corp] = await query(`INSERT INTO domains (name) VALUES ('Corp') RETURNING id`);
  await query(`INSERT INTO domains (name) VALUES ('CORP'), ('other')`);
  await query(`INSERT INTO domains (name, deleted_at) VALUES ('corp', now())`); // a tombstone collides with no one
  await query(`INSERT INTO users (domain_id, login_name) VALUES ($1, 'Jos\u00E9'), ($1, 'jose\u0301'), ($1, 'alice')`, [corp.id]);
});
afterAll(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));

describe('migration 1764130000008 (name keys)', () => {
  it('when live names would collide then it refuses with the list of them and changes nothing', async () => {
    const refused = await openTestDb(url, { poolSize: 2 }).then(() => null, (err: Error) => err);
    expect(refused?.message).toBe([
      'Names are now compared as a directory compares them (PRECIS UsernameCaseMapped: case and Unicode form ignored),',
      'and 2 group(s) of live names would become one. Nothing was changed.',
      'Rename or delete all but one name of each group, then migrate again:',
      '  domain names "CORP", "Corp"',
      '  in domain "Corp": loginNames "Jos\\u00e9", "jose\\u0301"',
    ].join('\n'));
    const columns = await query(`SELECT column_name FROM information_schema.columns WHERE column_name IN ('name_key', 'login_name_key')`);
    expect(columns).toEqual([]);
    const indexes = await query(`SELECT indexname FROM pg_indexes WHERE tablename IN ('domains', 'users') AND indexname LIKE '%live' ORDER BY 1`);
    expect(indexes).toEqual([{ indexname: 'domains_name_live' }, { indexname: 'users_login_live' }]);
    expect(await query(`SELECT name FROM migrations WHERE name = 'NameKeys1764130000008'`)).toEqual([]);
  });

  it('when the collisions are resolved then it fills every key in node and moves the unique indexes onto them', async () => {
    await query(`UPDATE domains SET deleted_at = now() WHERE name = 'CORP'`);
    await query(`UPDATE users SET login_name = 'jose2' WHERE login_name = 'jose\u0301'`);
    const db = await openTestDb(url, { poolSize: 2 });
    await db.close();
    expect(await query('SELECT name, name_key FROM domains ORDER BY name COLLATE "C", deleted_at NULLS FIRST')).toEqual([
      { name: 'CORP', name_key: 'corp' }, { name: 'Corp', name_key: 'corp' }, { name: 'corp', name_key: 'corp' }, { name: 'other', name_key: 'other' },
    ]);
    expect(await query('SELECT login_name, login_name_key FROM users ORDER BY login_name COLLATE "C"')).toEqual([
      { login_name: 'Jos\u00E9', login_name_key: 'jos\u00E9' }, { login_name: 'alice', login_name_key: 'alice' }, { login_name: 'jose2', login_name_key: 'jose2' },
    ]);
    const indexes = await query(`SELECT indexname FROM pg_indexes WHERE tablename IN ('domains', 'users') AND indexname LIKE '%live' ORDER BY 1`);
    expect(indexes).toEqual([{ indexname: 'domains_name_key_live' }, { indexname: 'users_login_key_live' }]);
  });
});
