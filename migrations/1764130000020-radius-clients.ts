import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/**
 * RADIUS clients (SPEC §10): the NAS that may ask, found by the source address of a
 * packet (`address` inet: one host, or a network such as 10.0.0.0/8, host bits allowed;
 * the same address twice would make the client ambiguous, so it is unique).
 * The shared secret is sealed under the master key with the row id as context, as OTP
 * seeds are. `domain` is the name of the domain a bare User-Name belongs to; a client
 * with one answers for that domain only. `transport`: udp, radsec, or any (both).
 *
 * The audit log gets `details`: what a protocol front-end adds to a record (the NAS of a
 * RADIUS request). ADD COLUMN on the partitioned parent reaches every partition.
 */
export class RadiusClients1764130000020 implements MigrationInterface {
  name = 'RadiusClients1764130000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE radius_clients (
        id uuid PRIMARY KEY,
        name text NOT NULL CONSTRAINT radius_clients_name_key UNIQUE,
        address inet NOT NULL CONSTRAINT radius_clients_address_key UNIQUE,
        secret_sealed bytea NOT NULL,
        domain text,
        require_message_authenticator boolean NOT NULL DEFAULT true,
        transport text NOT NULL DEFAULT 'any' CHECK (transport IN ('udp', 'radsec', 'any')),
        description text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      ALTER TABLE audit_log ADD COLUMN details jsonb;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE radius_clients; ALTER TABLE audit_log DROP COLUMN details;');
  }
}
