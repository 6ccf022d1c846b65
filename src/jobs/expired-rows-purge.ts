import type { Database } from '../db';
import type { Logger } from 'pino';
import { deleteInBatches } from './batched-delete';
import type { Job } from './job';

/**
 * Rows that can never be used again, kept a grace period for support questions
 * ("why did my link say expired?"), then deleted: used or expired download links,
 * expired share tokens (their password-attempt rows go with them), expired relationship
 * templates (with their allocations and share tokens), attempt windows that ended long ago,
 * and import replies a process died before writing out.
 */
const GRACE_SECONDS = 7 * 24 * 3600;
const BATCH = 10_000;
const MAX_BATCHES = 50;

export const EXPIRED_ROWS: Readonly<Record<string, string>> = {
  downloadLinks: `
    DELETE FROM token_download_links WHERE code_hash IN (
      SELECT code_hash FROM token_download_links
       WHERE coalesce(used_at, expires_at) < now() - $1 * interval '1 second'
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  shareTokens: `
    DELETE FROM share_tokens WHERE id IN (
      SELECT id FROM share_tokens WHERE expires_at < now() - $1 * interval '1 second'
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  // A template past its expiry can no longer be loaded through any token (load-token.ts
  // checks both), so its allocations and remaining share tokens go with it (ON DELETE CASCADE).
  relationshipTemplates: `
    DELETE FROM relationship_templates WHERE id IN (
      SELECT id FROM relationship_templates WHERE expires_at < now() - $1 * interval '1 second'
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  passwordAttempts: `
    DELETE FROM share_token_password_attempts WHERE (token_id, identity) IN (
      SELECT token_id, identity FROM share_token_password_attempts
       WHERE window_started_at < now() - $1 * interval '1 second'
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
  importReplies: `
    DELETE FROM token_import_replies WHERE (import_id, position) IN (
      SELECT import_id, position FROM token_import_replies WHERE created_at < now() - $1 * interval '1 second'
       LIMIT $2 FOR UPDATE SKIP LOCKED)`,
};

export async function purgeExpiredRows(dataSource: Database, graceSeconds = GRACE_SECONDS): Promise<Record<string, number>> {
  const purged: Record<string, number> = {};
  for (const [kind, statement] of Object.entries(EXPIRED_ROWS)) {
    purged[kind] = await deleteInBatches(dataSource, statement, [graceSeconds], BATCH, MAX_BATCHES);
  }
  return purged;
}

export const expiredRowsPurgeJob: Job = {
  name: 'expired-rows-purge',
  intervalMs: 10 * 60_000,
  async run(dataSource: Database, log: Logger) {
    const purged = await purgeExpiredRows(dataSource);
    if (Object.values(purged).some((n) => n > 0)) log.info({ job: 'expired-rows-purge', purged }, 'purged expired rows');
  },
};
