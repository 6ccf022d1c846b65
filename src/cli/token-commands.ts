import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { loadClientConfig, loadConfig, parseMasterKey } from '../config';
import { detectImportFormat, type ImportFormat } from '../domain/import';
import { isAppError } from '../errors';
import { rotateMasterKey } from '../services/tokens/master-key-rotation';
import { decodeBytes } from '../services/batch-assign/decode-text';
import { importTokenFile } from '../services/token-import/token-import';
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
      const [manufacturerCode, productCode] = o.product ? String(o.product).split('/') : [];
      if (o.product && !productCode) throw new Error('--product must be MANUFACTURER/PRODUCT, e.g. OATH/HOTP');
      const format = (o.format as ImportFormat | undefined) ?? formatOfFile(file);
      const size = statSync(file).size;
      const bar = new SingleBar({ format: 'importing [{bar}] {percentage}% {value}/{total} bytes', hideCursor: true }, Presets.shades_classic);
      bar.start(size, 0);
      let read = 0;
      // the file is streamed: a million seeds never sit in memory, and the bar follows the bytes read
      const counted = createReadStream(file).pipe(new Transform({
        transform(chunk: Buffer, _encoding, done) { bar.update(read += chunk.length); done(null, chunk); },
      }));
      const started = Date.now();
      try {
        const reply = await importTokenFile(ds, keys.masterKey, {
          text: decodeBytes(counted, 'UTF-8'),
          reader: format,
          psk: o.psk,
          passphrase: o.passphrase ?? loadClientConfig().importPassphrase,
          product: o.product ? { manufacturerCode, productCode } : undefined,
          repository: o.repository ? { name: o.repository } : undefined,
          createRepository: Boolean(o.repository),
        });
        await reply.close(); // the CLI prints a count, not the rows
        bar.stop();
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(`imported ${reply.total} tokens from ${file} in ${seconds} s${o.repository ? ` into repository ${o.repository}` : ''}`);
      } catch (err) {
        bar.stop();
        if (!isAppError(err)) throw err;
        const reasons = (err.data?.errors as { position: number | null; serial?: string; message: string }[] | undefined) ?? [];
        for (const r of reasons) console.error(`  ${r.position === null ? 'file' : `entry ${r.position}`}${r.serial ? ` (serial ${r.serial})` : ''}: ${r.message}`);
        if (typeof err.data?.failed === 'number') console.error(`  (${err.data.failed} bad entries in all)`);
        const serials = err.data?.serials as string[] | undefined;
        if (serials?.length) console.error(`  already present: ${serials.join(', ')}`);
        throw new Error(`${err.errorName}: ${err.message}; nothing was imported`, { cause: err });
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

/** Without --format: told from the file's first 64 kB, as the server tells a JSON upload's format. */
function formatOfFile(file: string): ImportFormat {
  const head = Buffer.alloc(65_536);
  const fd = openSync(file, 'r');
  const length = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const format = detectImportFormat(head.subarray(0, length).toString('utf8'));
  if (!format) throw new Error(`${file} is not recognised: expected PSKC (RFC 6030) XML, DualShield XML or OATH CSV (or name it with --format)`);
  return format;
}
