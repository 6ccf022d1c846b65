import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Database } from './database';
import type { ServerKeys } from '../contract/method';
import { parseMasterKey } from '../config';
import { seal, unseal } from '../domain/crypto/seal';

/** TOKENGATE_MASTER_KEY, or one generated into the data dir (mode 0600) on first use. */
export function resolveMasterKey(configured: Buffer | undefined, dataDir: string, say: (line: string) => void): Buffer {
  if (configured) return configured;
  const file = join(dataDir, 'master.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    say(`generated a master key in ${file} (set TOKENGATE_MASTER_KEY to use your own)`);
  } else {
    say(`using the master key in ${file}`);
  }
  return parseMasterKey(readFileSync(file, 'utf8'), file);
}

/**
 * The pepper for keyed hashes lives in the database, sealed under the master key,
 * so every process sharing the database agrees on it and rotating the master key
 * does not invalidate a single stored hash.
 */
export async function loadServerKeys(ds: Database, masterKey: Buffer): Promise<ServerKeys> {
  await ds.rows(
    `INSERT INTO server_secrets (name, sealed) VALUES ('pepper', $1) ON CONFLICT (name) DO NOTHING`,
    [seal(masterKey, randomBytes(32), 'pepper')],
  );
  const [row] = await ds.rows(`SELECT sealed FROM server_secrets WHERE name = 'pepper'`);
  try {
    return { masterKey, pepper: unseal(masterKey, row.sealed, 'pepper') };
  } catch {
    throw new Error('the master key does not open this database (wrong TOKENGATE_MASTER_KEY?)');
  }
}
