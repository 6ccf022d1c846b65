import { useState } from 'preact/hooks';
import { type BatchAssignResult, isTokengateError } from 'tokengate/client';
import type { Session } from '../session';
import { DropZone, ErrorNote, Phases, plural, Table, useAction } from '../ui';

const PHASES = ['Read the file', 'Dry run: check every line', 'Assign (one transaction)', 'Done'];

/**
 * Batch assignment: always a dry run first (nothing written), its per-line errors, and only
 * then the real run, atomic: one bad line and nothing is written.
 */
export function Batch({ session }: { session: Session }) {
  const [file, setFile] = useState<File | null>(null);
  const [charset, setCharset] = useState('UTF-8');
  const [createUsers, setCreateUsers] = useState(false);
  const [phase, setPhase] = useState(-1);
  const [checked, setChecked] = useState<BatchAssignResult | null>(null);
  const [written, setWritten] = useState<BatchAssignResult | null>(null);
  const action = useAction();

  const run = async (dryRun: boolean) => {
    if (!file) return;
    setWritten(null);
    if (dryRun) setChecked(null);
    setPhase(0);
    const csv = new TextDecoder(charset === 'UTF-8' ? 'utf-8' : 'windows-1252').decode(await file.arrayBuffer());
    setPhase(dryRun ? 1 : 2);
    const reply = await action.run(() => session.client.token.batchAssignTokens({ attrs: { csv, createUsers, dryRun } }));
    setPhase(reply ? (dryRun ? 2 : 4) : -1);
    if (reply && dryRun) setChecked(reply);
    if (reply && !dryRun) setWritten(reply);
  };
  const rejected = isTokengateError(action.error, 'BATCH_REJECTED') ? action.error.data as unknown as BatchAssignResult : null;
  const lineErrors = rejected?.errors ?? checked?.errors ?? [];

  return (
    <>
      <h1 tabIndex={-1}>Batch assignment</h1>
      <p>CSV with the header <code>domain,loginName,manufacturerCode,productCode,serial</code> (optional <code>status,pin</code>).</p>
      <form class="stack" onSubmit={(e) => { e.preventDefault(); run(true); }}>
        <DropZone label="CSV file" accept=".csv,text/csv" file={file}
          onFile={(f) => { setFile(f); setChecked(null); setWritten(null); action.setError(null); setPhase(-1); }} />
        <label>Character set
          <select value={charset} onChange={(e) => setCharset(e.currentTarget.value)}>
            <option>UTF-8</option><option>Windows-1252</option>
          </select>
        </label>
        <label class="check"><input type="checkbox" checked={createUsers} onChange={(e) => setCreateUsers(e.currentTarget.checked)} /> Create unknown users</label>
        <div class="actions">
          <button type="submit" disabled={!file || action.busy}>Dry run</button>
          <button type="button" disabled={!checked || checked.failed > 0 || action.busy} onClick={() => run(false)}>
            {checked ? `Assign ${plural(checked.assigned, 'token')}` : 'Assign (after a clean dry run)'}
          </button>
        </div>
      </form>
      <Phases phases={PHASES} current={phase} />
      <ErrorNote error={action.error} />
      {rejected && <p>{rejected.failed} of {rejected.total} lines failed. Nothing was written.</p>}
      {checked && !rejected && <p role="status">Dry run: {checked.assigned} of {checked.total} lines would be assigned. Nothing was written yet.</p>}
      {lineErrors.length > 0 && (
        <Table caption="Lines with errors" head={['Line', 'Serial', 'Error', 'Message']}>
          {lineErrors.map((l) => <tr key={l.line}><td>{l.line}</td><td>{l.serial ?? '—'}</td><td><code>{l.name}</code></td><td>{l.message}</td></tr>)}
        </Table>
      )}
      {written && <p role="status" class="notice">Assigned {plural(written.assigned, 'token')} from {plural(written.total, 'line')}.</p>}
    </>
  );
}
