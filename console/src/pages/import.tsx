import { useState } from 'preact/hooks';
import { isTokengateError } from 'tokengate/client';
import type { Session } from '../session';
import { href } from '../router';
import { DropZone, ErrorNote, Phases, plural, Table, useAction } from '../ui';

const PHASES = ['Read the file', 'Import (one transaction: all or nothing)', 'Done'];

interface BadEntry { position: number; serial?: string; message: string }
interface ImportResult { total: number; rows: { id: string; serial: string }[] }
type Format = 'pskc' | 'dualshield-xml' | 'oath-csv';

/** Hardware token import through /token/create's JSON form (data = the file's text). */
export function Import({ session }: { session: Session }) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<'' | Format>('');
  const [psk, setPsk] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [phase, setPhase] = useState(-1);
  const [result, setResult] = useState<ImportResult | null>(null);
  const action = useAction();

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setResult(null); setPhase(0);
    const data = await file.text();
    setPhase(1);
    const attrs = { data, ...(format ? { format } : {}), ...(psk ? { psk: psk.trim() } : {}), ...(passphrase ? { passphrase } : {}) };
    // the import form answers {total, rows}; the client types results loosely (they depend on `return`)
    const done = await action.run(async () => (await session.client.token.create({ attrs })) as ImportResult);
    setPhase(done ? 3 : -1);
    if (done) setResult(done);
  };
  const err = action.error;
  const bad = isTokengateError(err, 'IMPORT_FILE_INVALID') ? (err.data.errors as BadEntry[] | undefined) ?? [] : [];
  const duplicates = isTokengateError(err, 'SERIAL_DUPLICATE') ? (err.data.serials as string[] | undefined) ?? [] : [];

  return (
    <>
      <h1 tabIndex={-1}>Import tokens</h1>
      <p>PSKC (RFC 6030), DualShield XML or OATH CSV. One bad entry imports nothing; every bad entry is listed by its position.</p>
      <form onSubmit={submit} class="stack">
        <DropZone label="Seed file" accept=".xml,.pskc,.csv,.txt" file={file} onFile={(f) => { setFile(f); setResult(null); action.setError(null); setPhase(-1); }} />
        <label>Format
          <select value={format} onChange={(e) => setFormat(e.currentTarget.value as Format)}>
            <option value="">Detect from the file</option>
            <option value="pskc">PSKC</option>
            <option value="dualshield-xml">DualShield XML</option>
            <option value="oath-csv">OATH CSV</option>
          </select>
        </label>
        <label>Pre-shared key (hex, for encrypted PSKC)
          <input type="password" autocomplete="off" value={psk} onInput={(e) => setPsk(e.currentTarget.value)} />
        </label>
        <label>Passphrase (for PBKDF2-protected PSKC)
          <input type="password" autocomplete="off" value={passphrase} onInput={(e) => setPassphrase(e.currentTarget.value)} />
        </label>
        <button type="submit" disabled={!file || action.busy}>Import</button>
      </form>
      <Phases phases={PHASES} current={phase} />
      <ErrorNote error={err} />
      {bad.length > 0 && (
        <Table caption={`${plural(bad.length, 'bad entry', 'bad entries')}: nothing was imported`} head={['Position', 'Serial', 'Problem']}>
          {bad.map((b) => <tr key={b.position}><td>{b.position}</td><td>{b.serial ?? '—'}</td><td>{b.message}</td></tr>)}
        </Table>
      )}
      {duplicates.length > 0 && <p>Already present: {duplicates.join(', ')}</p>}
      {result && (
        <Table caption={`Imported ${plural(result.total, 'token')}`} head={['Serial']}>
          {result.rows.map((r) => <tr key={r.id}><td><a href={href('tokens', r.id)}>{r.serial}</a></td></tr>)}
        </Table>
      )}
    </>
  );
}
