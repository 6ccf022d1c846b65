import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/**
 * Every change that can end or alter a caller's credential announces itself on the
 * channel `tokengate_callers`, from the database itself: the servers' credential caches
 * listen there (SPEC §9). A trigger rather than a NOTIFY in each service, so no code path
 * (a method, the CLI, a purge job, an operator's psql) can forget it, and the NOTIFY is
 * part of the changing transaction: sent at its commit, never for a rollback.
 *
 * The payload is the caller's label as the audit log writes it (`apikey:<id>`,
 * `device:<uuid>`); `*` (TRUNCATE) means every caller.
 */
export class CallerNotify1764130000011 implements MigrationInterface {
  name = 'CallerNotify1764130000011';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_caller_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_LEVEL = 'STATEMENT' THEN
          PERFORM pg_notify('tokengate_callers', '*');
        ELSIF TG_TABLE_NAME = 'api_keys' THEN
          PERFORM pg_notify('tokengate_callers', 'apikey:' || OLD.id);
        ELSE
          PERFORM pg_notify('tokengate_callers', 'device:' || OLD.uuid);
        END IF;
        RETURN NULL;
      END $$;

      -- Any change to a key (revoked, expiry moved, scopes, identity, name): its cached caller is stale.
      CREATE TRIGGER api_keys_changed AFTER UPDATE ON api_keys
        FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION notify_caller_changed();
      CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys
        FOR EACH ROW EXECUTE FUNCTION notify_caller_changed();

      -- A device is a caller through its root token (resetToken) while registered (unregister).
      -- Whitelists and metadata are not part of a cached caller: methods read them each call.
      CREATE TRIGGER devices_changed AFTER UPDATE ON devices
        FOR EACH ROW WHEN (OLD.root_token_hash IS DISTINCT FROM NEW.root_token_hash
                           OR OLD.unregistered_at IS DISTINCT FROM NEW.unregistered_at
                           OR OLD.uuid IS DISTINCT FROM NEW.uuid)
        EXECUTE FUNCTION notify_caller_changed();
      CREATE TRIGGER devices_deleted AFTER DELETE ON devices
        FOR EACH ROW EXECUTE FUNCTION notify_caller_changed();

      -- Session tokens: revoked (DELETE), or their expiry changed. Notifications with the same
      -- payload in one transaction are sent once, so revoking a device's tokens by tag is one.
      CREATE TRIGGER device_tokens_changed AFTER UPDATE ON device_tokens
        FOR EACH ROW WHEN (OLD.* IS DISTINCT FROM NEW.*) EXECUTE FUNCTION notify_caller_changed();
      CREATE TRIGGER device_tokens_deleted AFTER DELETE ON device_tokens
        FOR EACH ROW EXECUTE FUNCTION notify_caller_changed();

      CREATE TRIGGER api_keys_truncated AFTER TRUNCATE ON api_keys
        FOR EACH STATEMENT EXECUTE FUNCTION notify_caller_changed();
      CREATE TRIGGER devices_truncated AFTER TRUNCATE ON devices
        FOR EACH STATEMENT EXECUTE FUNCTION notify_caller_changed();
      CREATE TRIGGER device_tokens_truncated AFTER TRUNCATE ON device_tokens
        FOR EACH STATEMENT EXECUTE FUNCTION notify_caller_changed();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TRIGGER api_keys_changed ON api_keys; DROP TRIGGER api_keys_deleted ON api_keys;
      DROP TRIGGER api_keys_truncated ON api_keys;
      DROP TRIGGER devices_changed ON devices; DROP TRIGGER devices_deleted ON devices;
      DROP TRIGGER devices_truncated ON devices;
      DROP TRIGGER device_tokens_changed ON device_tokens; DROP TRIGGER device_tokens_deleted ON device_tokens;
      DROP TRIGGER device_tokens_truncated ON device_tokens;
      DROP FUNCTION notify_caller_changed();
    `);
  }
}
