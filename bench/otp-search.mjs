// The OTP window searches /auth/verify and /token/syncToken run on a miss (the worst case:
// every counter or step of the window is tried): a 1001-counter HOTP look-ahead, a
// ±2880-step TOTP search and a ±24 h TOTP resync. Pure CPU, no server.
// Usage: npm run build && node bench/otp-search.mjs
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './lib/harness.mjs';
import { printTimed } from './lib/report.mjs';

const otp = await import(pathToFileURL(join(repoRoot, 'dist/src/domain/otp/index.js')).href);
const secret = Buffer.from('12345678901234567890');
const opts = { algorithm: 'SHA1', digits: 6 };
const miss = otp.generateHotp(secret, 0, opts) === '000000' ? '000001' : '000000';

/** Best of `runs` warm runs, in seconds: the machine is shared. */
function best(run, runs = 20) {
  run();
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest / 1000;
}

/** @type {[string, () => unknown][]} */
const cases = [
  ['HOTP look-ahead miss, 1001 counters', () => otp.findHotpCounter(secret, miss, { ...opts, counter: 0, window: 1000 })],
  ['TOTP search miss, ±2880 steps', () => otp.findTotpStep(secret, miss, { ...opts, period: 30, timeSeconds: 1.7e9, driftSteps: 0, window: 2880 })],
  ['TOTP resync miss, ±24 h', () => otp.syncTotp(secret, miss, miss, { ...opts, period: 30, timeSeconds: 1.7e9, windowSeconds: 86400 })],
];
for (const [name, run] of cases) {
  const seconds = best(run);
  console.log(`${name.padEnd(40)} ${(seconds * 1000).toFixed(2).padStart(8)} ms`);
  printTimed({ name, seconds, ms: Math.round(seconds * 1e5) / 100 }); // seconds round to 0.01
}
