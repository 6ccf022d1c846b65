// The line format bench/run.mjs collects from every bench, beside its human lines:
//   RESULT {"name":"/rest/domain/get","rps":5321,"p50":11.2,"p99":30.5,"ratio":0.71,"errors":0}
// rps calls per second, p50/p99 in ms, ratio = rps / the bare route's rps (absent for the
// baseline itself, which says "bare":true), errors = failed calls. Extra fields are kept.
import { formatRow } from './harness.mjs';

export function resultLine(name, r, baseline, extra = {}) {
  const fields = {
    name, rps: round(r.rps, 0), p50: round(r.p50, 2), p99: round(r.p99, 2),
    ...(baseline ? { ratio: round(r.rps / baseline.rps, 3) } : {}), errors: r.errors, ...extra,
  };
  return `RESULT ${JSON.stringify(fields)}`;
}

/** The human row (harness formatRow) and the RESULT line. */
export function printResult(name, r, baseline, extra) {
  console.log(formatRow(name, r, baseline));
  console.log(resultLine(name, r, baseline, extra));
}

/** Parses one printed line; null when it is not a RESULT line. */
export function parseResultLine(line) {
  if (!line.startsWith('RESULT ')) return null;
  try { return JSON.parse(line.slice('RESULT '.length)); } catch { return null; }
}

function round(n, digits) {
  return Number.isFinite(n) ? Number(n.toFixed(digits)) : null;
}
