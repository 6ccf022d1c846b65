import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/**
 * The rows of an import's reply ({id, serial} in file order), kept from the import's
 * transaction until the reply has been written. The staging table of an import is
 * TEMPORARY, which lives on one server connection: behind PgBouncer in transaction mode
 * the reply, read after the commit, may run on another one. This table is shared and
 * keyed by the import. UNLOGGED: nothing in it outlives a reply that a crash would have
 * cut anyway (a crash empties it); the expired-rows purge removes any a dead process left.
 */
export class TokenImportReplies1764130000047 implements MigrationInterface {
  name = 'TokenImportReplies1764130000047';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE token_import_replies (
        import_id uuid NOT NULL,
        position int NOT NULL,
        id uuid NOT NULL,
        serial text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (import_id, position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE token_import_replies');
  }
}
