import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/**
 * Domains backed by an LDAP directory (SPEC §11). The directory's settings are jsonb
 * (read whole, never queried by field); its bind password is sealed under the master key
 * in a column of its own, so no read of `directory` can return it. A directory user's
 * local row is keyed by the directory's stable id (entryUUID, objectGUID): a rename in the
 * directory keeps the row, and with it the tokens.
 */
export class DirectoryDomains1764130000030 implements MigrationInterface {
  name = 'DirectoryDomains1764130000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE domains
        ADD COLUMN pin_source text NOT NULL DEFAULT 'token' CHECK (pin_source IN ('token', 'directory', 'none')),
        ADD COLUMN directory jsonb,
        ADD COLUMN directory_bind_password bytea;
      ALTER TABLE users ADD COLUMN directory_id text;
      CREATE UNIQUE INDEX users_by_directory_id ON users (domain_id, directory_id)
        WHERE deleted_at IS NULL AND directory_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX users_by_directory_id;
      ALTER TABLE users DROP COLUMN directory_id;
      ALTER TABLE domains DROP COLUMN pin_source, DROP COLUMN directory, DROP COLUMN directory_bind_password;
    `);
  }
}
