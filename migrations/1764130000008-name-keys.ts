import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';
import { usernameKey } from '../src/domain/names/username-key';

/**
 * Domain names and loginNames are unique, matched and looked up by their PRECIS
 * UsernameCaseMapped key (src/domain/names/username-key.ts), so "José", "jose\u0301" and
 * "JOSÉ" are one name. The keys are computed here in node, as the server computes them
 * for new names, never with PostgreSQL's lower() (its result depends on the collation).
 *
 * A database whose live names would collide under the keys is refused with the list of
 * them, and nothing changes (the migration runs in the migrations' one transaction);
 * rename or delete one of each group, then migrate again.
 */
export class NameKeys1764130000008 implements MigrationInterface {
  name = 'NameKeys1764130000008';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE domains ADD COLUMN name_key text');
    await q.query('ALTER TABLE users ADD COLUMN login_name_key text');
    await fillKeys(q, 'domains', 'name', 'name_key');
    await fillKeys(q, 'users', 'login_name', 'login_name_key');
    const collisions = await findCollisions(q);
    if (collisions.length > 0) throw new Error(collisionReport(collisions));
    await q.query(`
      ALTER TABLE domains ALTER COLUMN name_key SET NOT NULL;
      ALTER TABLE users ALTER COLUMN login_name_key SET NOT NULL;
      DROP INDEX domains_name_live;
      DROP INDEX users_login_live;
      CREATE UNIQUE INDEX domains_name_key_live ON domains (name_key) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX users_login_key_live ON users (domain_id, login_name_key) WHERE deleted_at IS NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX users_login_key_live;
      DROP INDEX domains_name_key_live;
      ALTER TABLE users DROP COLUMN login_name_key;
      ALTER TABLE domains DROP COLUMN name_key;
      CREATE UNIQUE INDEX domains_name_live ON domains (name) WHERE deleted_at IS NULL;
      CREATE UNIQUE INDEX users_login_live ON users (domain_id, login_name) WHERE deleted_at IS NULL;
    `);
  }
}

const CHUNK = 10_000;

/** Every row's key, a chunk of rows at a time (keyset by id), one UPDATE per chunk. */
async function fillKeys(q: QueryRunner, table: 'domains' | 'users', column: string, keyColumn: string): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const rows: Array<{ id: string; name: string }> = await q.query(
      `SELECT id, ${column} AS name FROM ${table} WHERE id > $1 ORDER BY id LIMIT ${CHUNK}`, [after]);
    if (rows.length === 0) return;
    await q.query(
      `UPDATE ${table} t SET ${keyColumn} = k.key FROM unnest($1::uuid[], $2::text[]) AS k(id, key) WHERE t.id = k.id`,
      [rows.map((r) => r.id), rows.map((r) => usernameKey(r.name))]);
    after = rows[rows.length - 1].id;
  }
}

interface Collision { kind: 'domain' | 'user'; domain: string | null; names: string[] }

/** Live names (tombstones may repeat) that share a key: domains, and users within one domain; listed in code point order. */
async function findCollisions(q: QueryRunner): Promise<Collision[]> {
  const domains: Array<{ names: string[] }> = await q.query(`
    SELECT array_agg(name ORDER BY name COLLATE "C") AS names FROM domains WHERE deleted_at IS NULL
     GROUP BY name_key HAVING count(*) > 1 ORDER BY min(name COLLATE "C")`);
  const users: Array<{ domain: string; names: string[] }> = await q.query(`
    SELECT d.name AS domain, array_agg(u.login_name ORDER BY u.login_name COLLATE "C") AS names
      FROM users u JOIN domains d ON d.id = u.domain_id WHERE u.deleted_at IS NULL
     GROUP BY d.name, u.domain_id, u.login_name_key HAVING count(*) > 1
     ORDER BY d.name COLLATE "C", min(u.login_name COLLATE "C")`);
  return [
    ...domains.map((r) => ({ kind: 'domain' as const, domain: null, names: r.names })),
    ...users.map((r) => ({ kind: 'user' as const, domain: r.domain, names: r.names })),
  ];
}

function collisionReport(collisions: Collision[]): string {
  const lines = collisions.map((c) => (c.kind === 'domain'
    ? `  domain names ${c.names.map(visible).join(', ')}`
    : `  in domain ${visible(c.domain!)}: loginNames ${c.names.map(visible).join(', ')}`));
  return [
    `Names are now compared as a directory compares them (PRECIS UsernameCaseMapped: case and Unicode form ignored),`,
    `and ${collisions.length} group(s) of live names would become one. Nothing was changed.`,
    `Rename or delete all but one name of each group, then migrate again:`,
    ...lines,
  ].join('\n');
}

/** A name quoted, non-ASCII as \u escapes, so that look-alikes show how they differ. */
function visible(name: string): string {
  return `"${name.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
