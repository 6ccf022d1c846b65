import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/** devices and session tokens (issue 6). */
export class Devices1764130000004 implements MigrationInterface {
  name = 'Devices1764130000004';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE devices (
        uuid uuid PRIMARY KEY,
        name text,
        type text,
        owner uuid,                          -- a device uuid; metadata, rights come from whitelists only
        -- Meshblu v2 style: {"configure":{"update":[{"uuid":…}],"as":[…]},"discover":{"view":[…]}};
        -- {"uuid":"*"} is anyone. Checked with @> containment in SQL.
        whitelists jsonb NOT NULL DEFAULT '{}',
        root_token_hash bytea UNIQUE,        -- HMAC-SHA-256(pepper, uuid || ':' || token); null once unregistered
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        unregistered_at timestamptz,         -- tombstone: the device can no longer be used or seen
        CHECK ((unregistered_at IS NULL) = (root_token_hash IS NOT NULL))
      );
      CREATE INDEX devices_owner ON devices (owner) WHERE unregistered_at IS NULL;

      CREATE TABLE device_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hash bytea NOT NULL UNIQUE,          -- HMAC-SHA-256(pepper, uuid || ':' || token)
        uuid uuid NOT NULL REFERENCES devices (uuid) ON DELETE CASCADE,
        tag text,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_on timestamptz               -- null: until revoked
      );
      CREATE INDEX device_tokens_uuid_tag ON device_tokens (uuid, tag);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE device_tokens, devices');
  }
}
