import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/** OTP tokens, their assignments to users, and single-use download links (issue 3). */
export class OtpTokens1764130000002 implements MigrationInterface {
  name = 'OtpTokens1764130000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products (id),
        repository_id uuid REFERENCES repositories (id),
        serial text NOT NULL,
        identifier text,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED', 'DECEASED')),
        description text,
        seed_sealed bytea NOT NULL,        -- AES-256-GCM under the master key, token id as associated data
        -- the seed's own OTP parameters: an imported seed keeps what its file says (a Feitian
        -- TOTP key steps every 60 s, a multiOTP one uses SHA256), software tokens copy the product's;
        -- the type is always the product's (imports enforce it)
        algorithm text NOT NULL CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
        digits int NOT NULL CHECK (digits BETWEEN 6 AND 10),
        period int NOT NULL DEFAULT 30 CHECK (period > 0),  -- TOTP seconds per step; unused by HOTP
        counter bigint NOT NULL DEFAULT 0,  -- HOTP: the next counter value to accept
        drift int NOT NULL DEFAULT 0,       -- TOTP: clock drift in steps
        last_step bigint,                   -- TOTP: last accepted step; a step is never accepted twice
        confined boolean NOT NULL DEFAULT false,
        fail_count int NOT NULL DEFAULT 0,
        locked boolean NOT NULL DEFAULT false,
        last_used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (product_id, serial)
      );
      CREATE INDEX tokens_serial ON tokens (serial);
      CREATE INDEX tokens_repository ON tokens (repository_id);

      CREATE TABLE token_assignments (
        token_id uuid NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id),
        role text NOT NULL DEFAULT 'owner' CHECK (role IN ('owner', 'shared')),
        pin_hash text,                      -- scrypt; null: no PIN for this assignment
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DISABLED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (token_id, user_id)
      );
      CREATE UNIQUE INDEX token_assignments_one_owner ON token_assignments (token_id) WHERE role = 'owner';
      CREATE INDEX token_assignments_user ON token_assignments (user_id);

      CREATE TABLE token_download_links (
        code_hash bytea PRIMARY KEY,        -- HMAC-SHA-256(pepper, code)
        token_id uuid NOT NULL REFERENCES tokens (id) ON DELETE CASCADE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX token_download_links_token ON token_download_links (token_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE token_download_links, token_assignments, tokens');
  }
}
