/** Calls and failures per minute, drawn as SVG bars by our own code (no chart library). */
export interface MinuteCount { minute: number; calls: number; failures: number }

/**
 * Buckets rows by the minute of their time, filling empty minutes: at least `minMinutes`
 * (so one busy minute is a bar, not the whole chart), at most the last `maxMinutes`.
 */
export function perMinute(rows: { time: string; outcome: string }[], minMinutes = 30, maxMinutes = 60): MinuteCount[] {
  if (!rows.length) return [];
  const counts = new Map<number, MinuteCount>();
  for (const r of rows) {
    const minute = Math.floor(Date.parse(r.time) / 60_000);
    const c = counts.get(minute) ?? { minute, calls: 0, failures: 0 };
    c.calls++;
    if (r.outcome !== 'ok') c.failures++;
    counts.set(minute, c);
  }
  const last = Math.max(...counts.keys());
  const first = Math.min(Math.max(Math.min(...counts.keys()), last - maxMinutes + 1), last - minMinutes + 1);
  const out: MinuteCount[] = [];
  for (let m = first; m <= last; m++) out.push(counts.get(m) ?? { minute: m, calls: 0, failures: 0 });
  return out;
}

const W = 600, H = 140, PAD = 24;

export function CallsChart({ data }: { data: MinuteCount[] }) {
  if (!data.length) return <p>No calls to chart.</p>;
  const max = Math.max(...data.map((d) => d.calls), 1);
  const slot = (W - PAD * 2) / data.length;
  const bar = Math.max(slot * 0.8, 1);
  const y = (n: number) => H - PAD - (n / max) * (H - PAD * 2);
  const time = (m: number) => new Date(m * 60_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const totals = data.reduce((a, d) => ({ calls: a.calls + d.calls, failures: a.failures + d.failures }), { calls: 0, failures: 0 });
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Calls and failures per minute: ${totals.calls} calls, ${totals.failures} failures over ${data.length} minutes`}>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} class="axis" />
        <text x={PAD} y={PAD - 8} class="label">{max} / min</text>
        {data.map((d, i) => (
          <g key={d.minute}>
            <title>{`${time(d.minute)}: ${d.calls} calls, ${d.failures} failures`}</title>
            <rect x={PAD + i * slot} y={y(d.calls)} width={bar} height={H - PAD - y(d.calls)} class="calls" />
            <rect x={PAD + i * slot} y={y(d.failures)} width={bar} height={H - PAD - y(d.failures)} class="failures" />
          </g>
        ))}
        <text x={PAD} y={H - 6} class="label">{time(data[0].minute)}</text>
        <text x={W - PAD} y={H - 6} class="label end">{time(data[data.length - 1].minute)}</text>
      </svg>
      <figcaption><span class="key calls" /> calls <span class="key failures" /> failures, per minute</figcaption>
    </figure>
  );
}
