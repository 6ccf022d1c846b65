// Where a server's CPU time goes. With BENCH_PROFILE=<dir>, harness runs every child
// process under --cpu-prof and V8 writes a profile there on exit; after stopping the
// child, printProfile(pid, {from}) summarises its profile: self time by package or
// source folder, the busiest functions, and who makes the socket writes (the usual
// biggest item). `from` (a function name) skips start-up: only samples from the first
// one inside that function on count. Without BENCH_PROFILE it does nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** @param {number} pid @param {{ from?: string }} options */
export function printProfile(pid, { from } = {}) {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return;
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  if (!file) return void console.log(`no CPU profile of process ${pid} in ${dir}`);
  const { nodes, samples, timeDeltas } = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map(nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id])));
  const within = (id, name) => { for (let n = id; n !== undefined; n = parent.get(n)) if (byId.get(n).callFrame.functionName === name) return true; return false; };
  const short = (url) => url.replace(/^.*\/(node_modules|dist)\//, '');
  const groups = new Map();
  const functions = new Map();
  const writers = new Map();
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  let total = 0;
  let measuring = !from;
  samples.forEach((id, i) => {
    measuring ||= within(id, from);
    const { url, functionName, lineNumber } = byId.get(id).callFrame;
    if (!measuring || functionName === '(idle)') return;
    const us = timeDeltas[i];
    const group = !url ? (functionName.startsWith('(') ? functionName : 'native (builtins, C++)')
      : url.startsWith('node:') ? 'node:* (js)'
      : /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url)?.[1] ?? url.replace(/^.*\/dist\//, '').replace(/\/[^/]+$/, '/');
    add(groups, group, us);
    add(functions, `${functionName || '(anonymous)'} ${url ? `${short(url)}:${lineNumber + 1}` : '[native]'}`, us);
    if (functionName === 'writev') {
      let n = parent.get(id); // the nearest caller outside node's own modules
      while (n !== undefined && /^node:|^$/.test(byId.get(n).callFrame.url)) n = parent.get(n);
      const f = n === undefined ? null : byId.get(n).callFrame;
      add(writers, f ? `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}` : '(root)', us);
    }
    total += us;
  });
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `  ${(100 * us / total).toFixed(1).padStart(5)}%  ${k}`).join('\n');
  console.log(`CPU profile of process ${pid}${from ? ` from its first ${from}` : ''} (${(total / 1e6).toFixed(1)} s busy), self time by package / folder:\n${top(groups, 20)}`);
  console.log(`busiest functions:\n${top(functions, 15)}`);
  if (writers.size) console.log(`writev, by caller:\n${top(writers, 6)}`);
}
