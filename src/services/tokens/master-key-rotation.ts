import type { Database, Db } from '../../db';
import { seal, unseal } from '../../domain/crypto/seal';

const BATCH = 5000;

/**
 * `tokengate rotate-master-key`: every OTP seed, every sealed server secret (the
 * pepper) and every RADIUS client's shared secret re-encrypted under the new key, all in one transaction: it either all happens
 * or none of it. The seeds are read in id order, BATCH at a time, and written back with
 * one UPDATE … FROM unnest() per batch. The tokens table is locked EXCLUSIVE meanwhile:
 * reads go on, but no process still holding the old key can add a seed sealed with it.
 */
export async function rotateMasterKey(
  ds: Database, oldKey: Buffer, newKey: Buffer, onProgress?: (done: number, total: number) => void,
): Promise<{ seeds: number; secrets: number }> {
  if (oldKey.equals(newKey)) throw new Error('the new master key is the current one');
  return ds.transaction(async (db) => {
    await db.rows('LOCK TABLE tokens IN EXCLUSIVE MODE');
    const [{ total }] = await db.rows<{ total: number }>('SELECT count(*)::int AS total FROM tokens');
    onProgress?.(0, total);
    let seeds = 0;
    for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
      const rows = await db.rows<{ id: string; sealed: Buffer }>(`SELECT id, seed_sealed AS sealed FROM tokens WHERE id > $1::uuid ORDER BY id LIMIT ${BATCH}`, [after]);
      if (rows.length === 0) break;
      await resealRows(db, 'tokens', 'id', 'uuid', 'seed_sealed', rows, oldKey, newKey);
      seeds += rows.length;
      after = rows[rows.length - 1].id;
      onProgress?.(seeds, total);
    }
    const secrets = await db.rows<{ id: string; sealed: Buffer }>('SELECT name AS id, sealed FROM server_secrets FOR UPDATE');
    await resealRows(db, 'server_secrets', 'name', 'text', 'sealed', secrets, oldKey, newKey);
    // RADIUS shared secrets (SPEC §10), sealed with their client's id as context
    const radius = await db.rows<{ id: string; sealed: Buffer }>('SELECT id::text AS id, secret_sealed AS sealed FROM radius_clients FOR UPDATE');
    await resealRows(db, 'radius_clients', 'id', 'uuid', 'secret_sealed', radius, oldKey, newKey);
    return { seeds, secrets: secrets.length + radius.length };
  });
}

/** Each value's context (associated data) is its row key: the token id, or the secret's name. */
async function resealRows(
  db: Db, table: string, keyColumn: string, keyType: string, sealedColumn: string,
  rows: { id: string; sealed: Buffer }[], oldKey: Buffer, newKey: Buffer,
): Promise<void> {
  if (rows.length === 0) return;
  const resealed = rows.map((r) => seal(newKey, unseal(oldKey, r.sealed, r.id), r.id));
  await db.rows(
    `UPDATE ${table} AS x SET ${sealedColumn} = f.sealed
       FROM unnest($1::${keyType}[], $2::bytea[]) AS f(key, sealed) WHERE x.${keyColumn} = f.key`,
    [rows.map((r) => r.id), resealed]);
}
