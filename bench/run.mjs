#!/usr/bin/env node
// Every benchmark, one after another, and one table of their RESULT lines.
//
//   npm run bench                      build, then every bench/*.mjs (load.mjs last)
//   npm run bench -- gateway verify    only the benches whose file name contains a word
//   npm run bench -- --no-build        use dist/ as it is
//
// Each bench prints its own human lines (passed through, indented) and, per measured
// variant, a line `RESULT {json}` (bench/lib/report.mjs). A bench that prints none is
// listed as such; one that exits non-zero is marked FAILED and the run exits 1.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseResultLine } from './lib/report.mjs';
import { repoRoot } from './lib/harness.mjs';

const args = process.argv.slice(2);
const filters = args.filter((a) => !a.startsWith('--'));
const benchDir = join(repoRoot, 'bench');
const benches = readdirSync(benchDir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run.mjs')
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort((a, b) => (a === 'load.mjs') - (b === 'load.mjs') || a.localeCompare(b));

if (!args.includes('--no-build')) {
  console.log('building dist/ …');
  // tsc writes its output even when a file elsewhere fails to type-check; the benches need only dist/.
  spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', repoRoot], { stdio: 'inherit' });
}

const rows = [];
let failed = false;
for (const file of benches) {
  console.log(`\n== ${file}`);
  const started = Date.now();
  const found = [];
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [join(benchDir, file)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const result = parseResultLine(line);
      if (result) found.push(result); else console.log(`  ${line}`);
    });
    child.on('exit', (c, signal) => resolve(signal ? 1 : c));
  });
  const bench = file.replace(/\.mjs$/, '');
  console.log(`   (${((Date.now() - started) / 1000).toFixed(0)} s, exit ${code})`);
  if (code !== 0) failed = true;
  if (found.length === 0) rows.push({ bench, name: code === 0 ? '(no RESULT lines)' : 'FAILED' });
  for (const r of found) rows.push({ bench, ...r, name: code === 0 ? r.name : `${r.name} (FAILED)` });
}

const cpu = cpus();
console.log(`\nmachine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GB, node ${process.version}, ${process.platform}`);
console.log(table(rows));
process.exit(failed ? 1 : 0);

/** A Markdown table, readable in a terminal and ready for the README. */
function table(list) {
  const head = ['bench', 'method / variant', 'calls/s', 'p50 ms', 'p99 ms', 'vs bare', 'errors'];
  const cells = list.map((r) => [
    r.bench, r.name, fmt(r.rps, 0), fmt(r.p50, 2), fmt(r.p99, 2),
    r.bare ? 'baseline' : r.ratio == null ? '' : `${(r.ratio * 100).toFixed(0)}%`, r.errors ?? '',
  ].map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => (i >= 2 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(' | ')} |`;
  return [line(head), `|${widths.map((w, i) => (i >= 2 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`, ...cells.map(line)].join('\n');
}

function fmt(n, digits) {
  return typeof n === 'number' ? n.toFixed(digits) : '';
}
