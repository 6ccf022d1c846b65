import { createReadStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import type { Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { isAppError } from '../errors';
import { BatchAssignResult, batchAssignTokens, BatchProgress } from '../services/batch-assign/batch-assign';
import { decodeBytes, resolveCharset } from '../services/batch-assign/decode-text';
import type { RowError } from '../services/batch-assign/validate-staged';
import { withDatabase } from './admin-commands';

const SHOWN_ERRORS = 20;

/** `tokengate batch-assign FILE.csv`: /token/batchAssignTokens from a file on disk, streamed, with a progress bar. */
export function registerBatchCommands(program: Command): void {
  program.command('batch-assign <file>')
    .description('assign tokens to users from a CSV file (domain,loginName,manufacturerCode,productCode,serial[,status][,pin]); '
      + 'exit code 1 when any row failed')
    .option('--mode <mode>', 'atomic (one bad row and nothing is written) or partial (the good rows are)', 'atomic')
    .option('--dry-run', 'check every row and report, write nothing', false)
    .option('--create-users', 'create unknown users in existing domains', false)
    .option('--charset <charset>', 'UTF-8 (default), ISO-8859-1 or Windows-1252')
    .action((file: string, o) => {
      if (o.mode !== 'atomic' && o.mode !== 'partial') throw new Error('--mode must be atomic or partial');
      const charset = resolveCharset(o.charset);
      if (!charset) throw new Error('--charset must be UTF-8, ISO-8859-1 or Windows-1252');
      const size = statSync(file).size;
      return withDatabase(async (ds, keys) => {
        const bar = new SingleBar({ format: '{phase} [{bar}] {percentage}% | {mb} of {totalMb} MB | {rows} rows', hideCursor: true }, Presets.shades_classic);
        const status = { phase: 'reading', rows: 0, mb: '0.0', totalMb: (size / 1e6).toFixed(1) };
        let bytes = 0;
        const counted = createReadStream(file).pipe(new Transform({
          transform(chunk: Buffer, _enc, done) {
            bytes += chunk.length;
            bar.update(bytes, { ...status, mb: (bytes / 1e6).toFixed(1) });
            done(null, chunk);
          },
        }));
        const onProgress = (p: BatchProgress) => {
          Object.assign(status, p);
          bar.update(bytes, { ...status, mb: (bytes / 1e6).toFixed(1) });
        };
        const started = Date.now();
        bar.start(size, 0, status);
        try {
          const result = await ds.transaction((db) => batchAssignTokens(db, keys.pepper, decodeBytes(counted, charset),
            { mode: o.mode, dryRun: o.dryRun, createUsers: o.createUsers, onProgress }));
          bar.stop();
          printSummary(result, { dryRun: o.dryRun, seconds: (Date.now() - started) / 1000 });
          if (result.failed > 0) process.exitCode = 1;
        } catch (err) {
          bar.stop();
          if (!isAppError(err) || !Array.isArray(err.data?.errors)) throw err;
          printErrors(err.data.errors as RowError[], (err.data.failed as number | undefined) ?? err.data.errors.length);
          throw new Error(`${err.errorName}: ${err.message}${err.errorName === 'BATCH_REJECTED' ? '' : '; nothing was written'}`, { cause: err });
        }
      });
    });
}

function printSummary(r: BatchAssignResult, o: { dryRun: boolean; seconds: number }): void {
  printErrors(r.errors, r.failed);
  const verb = o.dryRun ? 'dry run: would assign' : 'assigned';
  console.log(`${verb} ${r.assigned} of ${r.total} rows in ${o.seconds.toFixed(1)} s; ${r.failed} failed`);
}

function printErrors(errors: RowError[], failed: number): void {
  for (const e of errors.slice(0, SHOWN_ERRORS)) {
    console.error(`  line ${e.line}${e.serial ? ` (serial ${e.serial})` : ''}: ${e.name}: ${e.message}`);
  }
  if (failed > SHOWN_ERRORS) console.error(`  … and ${failed - SHOWN_ERRORS} more failed rows`);
}
