import { useState } from 'preact/hooks';
import type { Match } from 'tokengate/client';
import type { Session } from '../session';
import { CallsChart, perMinute } from '../chart';
import { ErrorNote, plural, Table, useLoad, when } from '../ui';

interface AuditRow { time: string; caller: string | null; method: string; target: string | null; outcome: string; errorName: string | null; durationMs: number }
interface Filter { method: string; caller: string; outcome: string; from: string; to: string }

const EMPTY: Filter = { method: '', caller: '', outcome: '', from: '', to: '' };
const contains = (text: string) => (text.includes('%') ? text : `%${text}%`);

export function Audit({ session }: { session: Session }) {
  const [form, setForm] = useState<Filter>(EMPTY);
  const [filter, setFilter] = useState<Filter>(EMPTY);
  const log = useLoad(() => {
    const match: Match = [];
    if (filter.method) match.push(['method', 'like', contains(filter.method)]);
    if (filter.caller) match.push(['caller', 'like', contains(filter.caller)]);
    if (filter.outcome) match.push(['outcome', '=', filter.outcome]);
    if (filter.from) match.push(['time', '>=', new Date(filter.from).toISOString()]);
    if (filter.to) match.push(['time', '<=', new Date(filter.to).toISOString()]);
    return session.client.audit.search({ match, limit: 1000, orderBy: '-time' });
  }, [filter]);
  const rows = (log.data?.rows ?? []) as AuditRow[];
  const field = (name: keyof Filter) => ({
    value: form[name],
    onInput: (e: Event) => setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value }),
  });

  return (
    <>
      <h1 tabIndex={-1}>Audit log</h1>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setFilter(form); }}>
        <label>Method <input placeholder="/token/reset" {...field('method')} /></label>
        <label>Caller <input placeholder="apikey:…" {...field('caller')} /></label>
        <label>Outcome
          <select value={form.outcome} onChange={(e) => setForm({ ...form, outcome: e.currentTarget.value })}>
            <option value="">any</option><option value="ok">ok</option><option value="error">error</option>
          </select>
        </label>
        <label>From <input type="datetime-local" {...field('from')} /></label>
        <label>To <input type="datetime-local" {...field('to')} /></label>
        <div class="actions">
          <button type="submit">Filter</button>
          <button type="button" onClick={() => { setForm(EMPTY); setFilter(EMPTY); }}>Clear</button>
        </div>
      </form>
      <ErrorNote error={log.error} />
      <CallsChart data={perMinute(rows)} />
      <Table caption={`${plural(log.data?.total ?? 0, 'call')}${rows.length < (log.data?.total ?? 0) ? `, newest ${rows.length} shown` : ''}`}
        head={['Time', 'Method', 'Caller', 'Target', 'Outcome', 'ms']}>
        {rows.map((r, i) => (
          <tr key={`${r.time}-${i}`}>
            <td>{when(r.time)}</td>
            <td><code>{r.method}</code></td>
            <td>{r.caller ?? '—'}</td>
            <td>{r.target ?? '—'}</td>
            <td>{r.outcome === 'ok' ? 'ok' : <span class="badge locked">{r.errorName ?? 'error'}</span>}</td>
            <td>{Math.round(r.durationMs)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}
