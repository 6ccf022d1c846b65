import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/** identities, relationship templates and share tokens (issue 7). */
export class Templates1764130000005 implements MigrationInterface {
  name = 'Templates1764130000005';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE identities (
        address text PRIMARY KEY,  -- did:e:localhost:dids:<20 hex random><2 hex checksum>
        name text,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE relationship_templates (
        id text PRIMARY KEY CHECK (id ~ '^RLT[A-Za-z0-9]{17}$'),
        created_by text NOT NULL REFERENCES identities (address),
        content jsonb NOT NULL,
        expires_at timestamptz NOT NULL,
        for_identity text,
        password_hash text,        -- scrypt; the password itself is never stored
        password_is_pin boolean,
        max_number_of_allocations int CHECK (max_number_of_allocations > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((password_hash IS NULL) = (password_is_pin IS NULL))
      );
      CREATE INDEX relationship_templates_created_by ON relationship_templates (created_by);

      -- Peers that loaded a template (through a token): what maxNumberOfAllocations counts,
      -- and what makes a peer's template "known" to it for /relationshipTemplate/get.
      CREATE TABLE relationship_template_allocations (
        template_id text NOT NULL REFERENCES relationship_templates (id) ON DELETE CASCADE,
        identity text NOT NULL,
        allocated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (template_id, identity)
      );

      CREATE TABLE share_tokens (
        id text PRIMARY KEY CHECK (id ~ '^TOK[A-Za-z0-9]{17}$'),
        template_id text NOT NULL REFERENCES relationship_templates (id) ON DELETE CASCADE,
        created_by text NOT NULL REFERENCES identities (address),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        for_identity text,
        password_hash text,        -- scrypt
        password_is_pin boolean,
        ephemeral boolean NOT NULL,
        secret_hash bytea NOT NULL UNIQUE,  -- HMAC-SHA-256(pepper, the reference's secret)
        CHECK ((password_hash IS NULL) = (password_is_pin IS NULL))
      );
      CREATE INDEX share_tokens_listed ON share_tokens (template_id, created_at) WHERE NOT ephemeral;

      -- Password guesses per token and calling identity, in a fixed window that starts
      -- with the first guess; written outside any rolled-back transaction (see load-token.ts).
      CREATE TABLE share_token_password_attempts (
        token_id text NOT NULL REFERENCES share_tokens (id) ON DELETE CASCADE,
        identity text NOT NULL,
        window_started_at timestamptz NOT NULL,
        attempts int NOT NULL,
        PRIMARY KEY (token_id, identity)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE share_token_password_attempts, share_tokens, relationship_template_allocations,
      relationship_templates, identities`);
  }
}
