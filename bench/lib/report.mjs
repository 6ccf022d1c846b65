// The one printer. Beside its human lines, every bench prints one line per measured
// variant that bench/run.mjs collects into its tables:
//   RESULT {"name":"/rest/domain/get","rps":5321,"p50":11.2,"p99":30.5,"errors":0,"ratio":0.71,"ratioTo":"bare",…}
// Throughput rows: rps calls per second, p50/p99 in ms, errors = failed calls, ratio =
// rps ÷ the reference's rps and ratioTo names the reference ("bare" = the bare express
// route of the baseline rule in harness.mjs; realtime compares to "HTTP /rpc"); the
// reference row itself says "baseline":true. Timed rows (imports, batch work) carry
// "seconds" instead of "rps". Where an issue names targets, "targets" lists them:
// [{"target":"≥ 60% of bare","met":true}, …]. Extra fields are kept.

/** Prints the human row and the RESULT line of a throughput summary (lib/load.mjs). */
/**
 * @param {string} name
 * @param {any} r a summary from lib/load.mjs
 * @param {{ vs?: any, ratioTo?: string, baseline?: boolean, minRatio?: number, target?: string, extra?: Record<string, any> }} options
 */
export function printResult(name, r, { vs, ratioTo = 'bare', baseline = false, minRatio, target, extra = {} } = {}) {
  const ratio = vs ? r.rps / vs.rps : undefined;
  // failed calls (here or in the reference) void a ratio target: the rate is not the rate of the work
  const clean = !r.errors && !vs?.errors;
  const goal = minRatio === undefined ? {} : { targets: [{ target: target ?? `≥ ${Math.round(minRatio * 100)}% of ${ratioTo}`, met: clean && ratio !== undefined && ratio >= minRatio }] };
  const fields = {
    name, rps: round(r.rps, 0), p50: round(r.p50, 2), p99: round(r.p99, 2), errors: r.errors,
    ...(r.cpuUsPerCall !== undefined ? { cpuUsPerCall: round(r.cpuUsPerCall, 0) } : {}),
    ...(r.dbCpuUsPerCall !== undefined ? { dbCpuUsPerCall: round(r.dbCpuUsPerCall, 0) } : {}),
    ...(ratio !== undefined ? { ratio: round(ratio, 4), ratioTo } : {}),
    ...(baseline ? { baseline: true, ratioTo } : {}), ...goal, ...extra,
  };
  const cpu = (r.cpuUsPerCall !== undefined ? `  server CPU ${r.cpuUsPerCall.toFixed(0).padStart(5)} µs/call` : '')
    + (r.dbCpuUsPerCall !== undefined ? `  PostgreSQL ${r.dbCpuUsPerCall.toFixed(0).padStart(4)} µs/call` : '');
  const versus = ratio !== undefined ? `  ${(ratio * 100).toFixed(0).padStart(3)}% of ${ratioTo}` : baseline ? `  (${ratioTo} baseline)` : '';
  const verdict = [...(goal.targets ?? []), ...(extra.targets ?? [])].map((t) => `  target ${verdictOf(t)}`).join('');
  console.log(`${name.padEnd(52)} ${r.rps.toFixed(0).padStart(7)} calls/s  p50 ${r.p50.toFixed(2).padStart(6)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms${cpu}  errors ${r.errors}${versus}${verdict}`);
  for (const [reason, n] of r.failures ?? []) console.log(`    failed ${n}×: ${reason}`);
  printFields(fields);
}

/** "≥ 60% of bare: met" */
export function verdictOf({ target, met }) {
  return `${target}: ${met ? 'met' : 'NOT met'}`;
}

/** The RESULT line of a timed row: {name, seconds, targets?, …}; the bench prints its own human line. */
export function printTimed(fields) {
  printFields({ ...fields, seconds: round(fields.seconds, 2) });
}

function printFields(fields) {
  console.log(`RESULT ${JSON.stringify(fields)}`);
}

/** Parses one printed line; null when it is not a RESULT line. */
export function parseResultLine(line) {
  if (!line.startsWith('RESULT ')) return null;
  try { return JSON.parse(line.slice('RESULT '.length)); } catch { return null; }
}

export function round(n, digits) {
  return Number.isFinite(n) ? Number(n.toFixed(digits)) : null;
}
