import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadClientConfig, loadConfig, parseMasterKey } from '../config';
import type { ImportFormat } from '../domain/import';
import { isAppError } from '../errors';
import { rotateMasterKey } from '../services/tokens/master-key-rotation';
import { importTokens } from '../services/tokens/token-import';
import { withDatabase } from './admin-commands';

/** `tokengate import FILE` and `tokengate rotate-master-key`. */
export function registerTokenCommands(program: Command): void {
  program.command('import <file>')
    .description('import hardware tokens from a seed file (PSKC, DualShield XML, OATH CSV), all or nothing')
    .option('--product <MC/PC>', 'product as manufacturerCode/productCode; default: by each token\'s type, OATH/HOTP or OATH/TOTP')
    .option('--repository <name>', 'repository to put the tokens in (created when missing)')
    .option('--format <format>', 'pskc, dualshield-xml or oath-csv (detected when absent)')
    .option('--psk <hex>', 'PSKC pre-shared key, hex')
    .option('--passphrase <text>', 'PSKC PBKDF2 passphrase (or set TOKENGATE_IMPORT_PASSPHRASE, which stays out of the process list)')
    .action((file: string, o) => withDatabase(async (ds, keys) => {
      const data = readFileSync(file, 'utf8');
      const [manufacturerCode, productCode] = o.product ? String(o.product).split('/') : [];
      if (o.product && !productCode) throw new Error('--product must be MANUFACTURER/PRODUCT, e.g. OATH/HOTP');
      const bar = new SingleBar({ format: 'importing [{bar}] {value}/{total} tokens', hideCursor: true }, Presets.shades_classic);
      const started = Date.now();
      try {
        const result = await ds.transaction(async (db) => {
          if (o.repository) await db.query('INSERT INTO repositories (name) VALUES ($1) ON CONFLICT (name) DO NOTHING', [o.repository]);
          return importTokens(db, keys.masterKey, {
            data,
            format: o.format as ImportFormat | undefined,
            psk: o.psk,
            passphrase: o.passphrase ?? loadClientConfig().importPassphrase,
            product: o.product ? { manufacturerCode, productCode } : undefined,
            repository: o.repository ? { name: o.repository } : undefined,
          }, (done, total) => (done === 0 ? bar.start(total, 0) : bar.update(done)));
        });
        bar.stop();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`imported ${result.total} tokens from ${file} in ${seconds} s${o.repository ? ` into repository ${o.repository}` : ''}`);
      } catch (err) {
        bar.stop();
        if (!isAppError(err)) throw err;
        const reasons = (err.data?.errors as { position: number | null; serial?: string; message: string }[] | undefined) ?? [];
        for (const r of reasons) console.error(`  ${r.position === null ? 'file' : `entry ${r.position}`}${r.serial ? ` (serial ${r.serial})` : ''}: ${r.message}`);
        const serials = err.data?.serials as string[] | undefined;
        if (serials?.length) console.error(`  already present: ${serials.join(', ')}`);
        throw new Error(`${err.errorName}: ${err.message}; nothing was imported`);
      }
    }));

  program.command('rotate-master-key')
    .description('re-encrypt every OTP seed and the server secrets under a new master key, in one transaction')
    .option('--new-key <key>', '32 bytes, base64 or 64 hex digits; generated when absent')
    .action((o) => withDatabase(async (ds, keys) => {
      const config = loadConfig();
      const newKey = o.newKey ? parseMasterKey(o.newKey, '--new-key') : randomBytes(32);
      // The new key is on disk before the database commits to it, so no crash can lose it.
      const pending = join(config.dataDir, 'master.key.new');
      if (!o.newKey) writeFileSync(pending, newKey.toString('base64') + '\n', { mode: 0o600 });
      const bar = new SingleBar({ format: 're-encrypting [{bar}] {value}/{total} seeds', hideCursor: true }, Presets.shades_classic);
      try {
        const done = await rotateMasterKey(ds, keys.masterKey, newKey, (n, total) => (n === 0 ? bar.start(total, 0) : bar.update(n)));
        bar.stop();
        console.log(`re-encrypted ${done.seeds} seeds and ${done.secrets} server secrets`);
      } catch (err) {
        bar.stop();
        if (!o.newKey) rmSync(pending, { force: true });
        throw err;
      }
      if (config.masterKey) {
        console.log(`now set TOKENGATE_MASTER_KEY to the new key${o.newKey ? '' : ` (written to ${pending}, mode 0600)`} and restart every server`);
      } else {
        const file = join(config.dataDir, 'master.key');
        if (o.newKey) writeFileSync(pending, newKey.toString('base64') + '\n', { mode: 0o600 });
        renameSync(pending, file);
        console.log(`the new master key replaced ${file}; restart every server`);
      }
    }));
}
