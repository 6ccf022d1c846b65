import type { Migration as MigrationInterface, MigrationRunner as QueryRunner } from '../src/db/migrate';

/**
 * Running for years (issue 18): the audit log partitioned by day, so retention drops
 * whole partitions instead of deleting rows, with indexes that fit /audit/search; and
 * the indexes the purge jobs need to find dead share tokens and templates.
 *
 * The existing log is moved across in this migration's transaction: every row keeps its
 * id and values, each day that has rows gets its partition, and the id sequence carries
 * on where it was. Writers that wait on the lock meanwhile insert into the new table.
 */
export class Ops1764130000009 implements MigrationInterface {
  name = 'Ops1764130000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
      ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
      ALTER INDEX audit_log_time RENAME TO audit_log_unpartitioned_time;
      ALTER INDEX audit_log_method_time RENAME TO audit_log_unpartitioned_method_time;
      ALTER SEQUENCE audit_log_id_seq OWNED BY NONE;

      -- Partitioned by UTC day: a unique key must hold the partition key, hence (time, id),
      -- which is also the time-range index. The id sequence is the old table's.
      CREATE TABLE audit_log (
        id bigint NOT NULL DEFAULT nextval('audit_log_id_seq'),
        time timestamptz NOT NULL,
        caller text,
        method text NOT NULL,
        target text,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
        error_name text,
        duration_ms real NOT NULL,
        PRIMARY KEY (time, id)
      ) PARTITION BY RANGE (time);
      ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;

      -- /audit/search filters: each ends in (time, id), so a filter plus a time range reads
      -- one index range, already in the newest-first order the search answers in. Errors
      -- are a small share of the log: a partial index keeps that filter cheap to write.
      CREATE INDEX audit_log_method_time ON audit_log (method, time, id);
      CREATE INDEX audit_log_caller_time ON audit_log (caller, time, id);
      CREATE INDEX audit_log_errors_time ON audit_log (time, id) WHERE outcome = 'error';

      -- Catch-all: an insert never fails for want of a partition. The maintenance job
      -- (src/services/audit/audit-partitions.ts) moves what lands here into its day's partition.
      CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
    `);
    await q.query(`
      DO $$
      DECLARE day date;
      BEGIN
        FOR day IN
          SELECT DISTINCT (time AT TIME ZONE 'UTC')::date FROM audit_log_unpartitioned
          UNION SELECT (now() AT TIME ZONE 'UTC')::date + ahead FROM generate_series(0, 1) AS ahead
        LOOP
          EXECUTE format('CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
            'audit_log_p' || to_char(day, 'YYYYMMDD'), day::timestamp AT TIME ZONE 'UTC', (day + 1)::timestamp AT TIME ZONE 'UTC');
        END LOOP;
      END $$;

      INSERT INTO audit_log (id, time, caller, method, target, outcome, error_name, duration_ms)
        SELECT id, time, caller, method, target, outcome, error_name, duration_ms FROM audit_log_unpartitioned;
      DROP TABLE audit_log_unpartitioned;
    `);
    await q.query(`
      -- The purge jobs: dead rows found by expiry, and a template's share tokens by
      -- template (the cascade; share_tokens_listed is partial and cannot serve it).
      CREATE INDEX relationship_templates_expires_at ON relationship_templates (expires_at);
      CREATE INDEX share_tokens_expires_at ON share_tokens (expires_at);
      CREATE INDEX share_tokens_template ON share_tokens (template_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX share_tokens_template, share_tokens_expires_at, relationship_templates_expires_at;
      ALTER TABLE audit_log RENAME TO audit_log_partitioned;
      ALTER INDEX audit_log_pkey RENAME TO audit_log_partitioned_pkey;
      ALTER SEQUENCE audit_log_id_seq OWNED BY NONE;
      CREATE TABLE audit_log (
        id bigint PRIMARY KEY DEFAULT nextval('audit_log_id_seq'),
        time timestamptz NOT NULL,
        caller text,
        method text NOT NULL,
        target text,
        outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
        error_name text,
        duration_ms real NOT NULL
      );
      INSERT INTO audit_log SELECT id, time, caller, method, target, outcome, error_name, duration_ms FROM audit_log_partitioned;
      DROP TABLE audit_log_partitioned;
      ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
      CREATE INDEX audit_log_time ON audit_log (time);
      CREATE INDEX audit_log_method_time ON audit_log (method, time);
    `);
  }
}
