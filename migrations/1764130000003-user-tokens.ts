import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/** User access tokens (Droplit-style user tokens): only the keyed hash of each token is kept. */
export class UserTokens1764130000003 implements MigrationInterface {
  name = 'UserTokens1764130000003';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL UNIQUE,  -- HMAC-SHA-256(pepper, token); the token itself is never stored
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        domain_id uuid NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
        expiry_type text NOT NULL CHECK (expiry_type IN ('Infinite', 'FixedTtl', 'SlidingTtl')),
        ttl_seconds int CHECK (ttl_seconds > 0),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        CHECK (CASE WHEN expiry_type = 'Infinite' THEN ttl_seconds IS NULL AND expires_at IS NULL
                    ELSE ttl_seconds IS NOT NULL AND expires_at IS NOT NULL END)
      ) WITH (fillfactor = 90);  -- page room, so a verify that only sets last_used_at (unindexed) stays a HOT update
      CREATE INDEX user_tokens_user ON user_tokens (user_id, created_at);
      -- for the purge job: expired and revoked tokens are found without a scan
      CREATE INDEX user_tokens_expires ON user_tokens (expires_at) WHERE expires_at IS NOT NULL;
      CREATE INDEX user_tokens_revoked ON user_tokens (revoked_at) WHERE revoked_at IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE user_tokens');
  }
}
