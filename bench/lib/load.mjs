// The node load generator, kept only for what wrk (lib/wrk.mjs, every HTTP bench) cannot do:
// realtime.mjs's WebSocket and Socket.IO (and its HTTP row, so its three transports share one
// load generator), load.mjs's soak over a mix of methods, audit-write.mjs's in-process writer.
// It runs on the cores it measures and takes CPU from the servers: its rates are not
// comparable with wrk's (docs/benchmarks.md). Closed-loop workers (each sends a call, waits
// for its reply, sends the next) over any transport a bench supplies as `call(worker)`. A call
// succeeds by resolving and fails by throwing; the message is the reason counted.
import { cpuMsOf, postgresCpuBetween, postgresCpuMs } from './harness.mjs';

/** The knobs every throughput bench shares, from the environment. */
export const loadOptions = {
  concurrency: Number(process.env.BENCH_CONCURRENCY ?? 64),
  seconds: Number(process.env.BENCH_SECONDS ?? 10), // per variant, summed over its slices
  sliceSeconds: Number(process.env.BENCH_SLICE_SECONDS ?? 1),
  warmupSeconds: 2, // per variant: the first calls a process serves run cold (JIT), at about twice the CPU per call
};

/** Latencies and failures of one variant, summed over its slices. */
export class Recorder {
  latencies = [];
  errors = 0;
  seconds = 0;
  cpuMs = 0;
  dbCpuMs = 0;
  failures = new Map();

  add(ms, error) {
    this.latencies.push(ms);
    if (error === undefined) return;
    this.errors++;
    const reason = String(error?.message ?? error).slice(0, 120);
    this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
  }

  /** {calls, rps, p50, p99, errors, cpuUsPerCall?, failures} */
  summary() {
    const sorted = [...this.latencies].sort((a, b) => a - b);
    const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
    const calls = sorted.length;
    return {
      calls, rps: calls / this.seconds, p50: pct(0.5), p99: pct(0.99), errors: this.errors, failures: this.failures,
      ...(this.cpuMs > 0 ? { cpuUsPerCall: (1000 * this.cpuMs) / calls } : {}),
      ...(this.dbCpuMs > 0 ? { dbCpuUsPerCall: (1000 * this.dbCpuMs) / calls } : {}),
    };
  }
}

/** `concurrency` workers, each awaiting `step(worker)` until `seconds` are up; the seconds it took, the last replies included. */
export async function closedLoop(concurrency, seconds, step) {
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async (_, worker) => {
    while (performance.now() < until) await step(worker);
  }));
  return (performance.now() - started) / 1000;
}

/** Times `call()` into `recorder`; a call that throws counts as an error. */
export async function timed(recorder, call) {
  const t = performance.now();
  let error;
  try { await call(); } catch (err) { error = err ?? 'error'; }
  recorder.add(performance.now() - t, error);
}

/**
 * Variants take turns in slices (A, B, C, A, B, C, …) until each has had `seconds`, so
 * whatever else loads the machine falls on all of them alike and their ratios hold even
 * when the absolute numbers drift. A variant: {name, call(worker), pid?}; with pid (the
 * serving process) its CPU time per call is measured too, which hardly depends on that load;
 * so is PostgreSQL's (all its processes on this machine).
 * Returns the summaries in the variants' order.
 */
export async function runInterleaved(variants, opts = {}) {
  const { concurrency, seconds, sliceSeconds, warmupSeconds } = { ...loadOptions, ...opts };
  for (const v of variants) await closedLoop(concurrency, warmupSeconds, (w) => timed(new Recorder(), () => v.call(w))); // JIT, pools, plan caches
  const recorders = variants.map(() => new Recorder());
  for (let slice = 0; slice < Math.ceil(seconds / sliceSeconds); slice++) {
    for (const [i, v] of variants.entries()) {
      const r = recorders[i];
      const cpuBefore = v.pid ? cpuMsOf(v.pid) : 0;
      const dbBefore = postgresCpuMs();
      r.seconds += await closedLoop(concurrency, sliceSeconds, (w) => timed(r, () => v.call(w)));
      if (v.pid) r.cpuMs += cpuMsOf(v.pid) - cpuBefore;
      r.dbCpuMs += postgresCpuBetween(dbBefore, postgresCpuMs());
    }
  }
  return recorders.map((r) => r.summary());
}
