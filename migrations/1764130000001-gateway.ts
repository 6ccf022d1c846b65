import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/** API keys, audit, server secrets and the directory (domains, users, products, repositories). */
export class Gateway1764130000001 implements MigrationInterface {
  name = 'Gateway1764130000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE server_secrets (
        name text PRIMARY KEY,
        sealed bytea NOT NULL  -- AES-256-GCM under the master key
      );

      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        key_hash bytea NOT NULL UNIQUE,  -- HMAC-SHA-256(pepper, key)
        scopes text[] NOT NULL,
        identity text,
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );

      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        time timestamptz NOT NULL,
        caller text,
        method text NOT NULL,
        target text,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
        error_name text,
        duration_ms real NOT NULL
      );
      CREATE INDEX audit_log_time ON audit_log (time);
      CREATE INDEX audit_log_method_time ON audit_log (method, time);

      CREATE TABLE domains (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz  -- tombstone: "no longer exists" stays distinguishable from "never existed"
      );
      CREATE UNIQUE INDEX domains_name_live ON domains (name) WHERE deleted_at IS NULL;

      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domains (id),
        login_name text NOT NULL,
        first_name text,
        last_name text,
        email text,
        mobile text,
        status text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'INACTIVE', 'LOCKED', 'DISABLED')),
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      );
      CREATE UNIQUE INDEX users_login_live ON users (domain_id, login_name) WHERE deleted_at IS NULL;

      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        manufacturer_code text NOT NULL,
        product_code text NOT NULL,
        name text NOT NULL,
        type text NOT NULL CHECK (type IN ('HOTP', 'TOTP')),
        algorithm text NOT NULL DEFAULT 'SHA1' CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
        digits int NOT NULL DEFAULT 6 CHECK (digits IN (6, 8)),
        period int NOT NULL DEFAULT 30 CHECK (period > 0),
        hardware boolean NOT NULL DEFAULT false,
        auth_window int NOT NULL DEFAULT 10 CHECK (auth_window BETWEEN 0 AND 1000),  -- HOTP look-ahead or TOTP ±steps
        max_fail int NOT NULL DEFAULT 10 CHECK (max_fail > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (manufacturer_code, product_code)
      );

      INSERT INTO products (manufacturer_code, product_code, name, type, hardware, auth_window) VALUES
        ('DN', 'MT', 'MobileToken', 'TOTP', false, 1),
        ('DN', 'ST', 'SafeID time-based', 'TOTP', true, 1),
        ('DN', 'SE', 'SafeID event-based', 'HOTP', true, 10),
        ('OATH', 'HOTP', 'Generic OATH HOTP', 'HOTP', true, 10),
        ('OATH', 'TOTP', 'Generic OATH TOTP', 'TOTP', true, 1);

      CREATE TABLE repositories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE,
        description text,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE repositories, products, users, domains, audit_log, api_keys, server_secrets');
  }
}
