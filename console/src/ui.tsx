import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import QRCode from 'qrcode';
import { isTokengateError } from 'tokengate/client';

/** A failure as the catalog names it: name and message, nothing else (no data, no stack). */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const [name, message] = isTokengateError(error) ? [error.name, error.message] : ['INTERNAL', 'Something went wrong in the console'];
  return <p role="alert" class="error"><strong>{name}</strong> {message}</p>;
}

export interface Loaded<T> { data: T | undefined; error: unknown; loading: boolean; reload: () => void }

/** Runs `load` now and whenever `deps` change; `reload` runs it again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then((data) => live && setState({ data, loading: false }), (error) => live && setState({ error, loading: false }));
    return () => { live = false; };
  }, [...deps, tick]);
  return { data: state.data, error: state.error, loading: state.loading, reload: useCallback(() => setTick((t) => t + 1), []) };
}

/** An action button's life: running, then its error (if any); the button is disabled meanwhile. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true); setError(null);
    try { return await action(); } catch (err) { setError(err); return undefined; } finally { setBusy(false); }
  };
  return { busy, error, run, setError };
}

/** A modal confirmation (native <dialog>: focus trapped, Escape cancels) for actions that destroy. */
export function useConfirm(): [ComponentChildren, (question: string, action: string) => Promise<boolean>] {
  const dialog = useRef<HTMLDialogElement>(null);
  const [text, setText] = useState({ question: '', action: '' });
  const answer = useRef<(yes: boolean) => void>(() => undefined);
  const ask = (question: string, action: string) => new Promise<boolean>((resolve) => {
    answer.current = resolve;
    setText({ question, action });
    dialog.current?.showModal();
  });
  const close = (yes: boolean) => { dialog.current?.close(); answer.current(yes); answer.current = () => undefined; };
  const element = (
    <dialog ref={dialog} aria-labelledby="confirm-question" onCancel={() => answer.current(false)}>
      <p id="confirm-question">{text.question}</p>
      <div class="actions">
        <button type="button" class="danger" onClick={() => close(true)}>{text.action}</button>
        <button type="button" autofocus onClick={() => close(false)}>Cancel</button>
      </div>
    </dialog>
  );
  return [element, ask];
}

/** A file picker that also takes a dropped file; the input keeps it usable from the keyboard. */
export function DropZone({ label, accept, onFile, file }: { label: string; accept: string; onFile: (f: File) => void; file: File | null }) {
  const [over, setOver] = useState(false);
  return (
    <div class={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)}
      onDrop={(e) => { e.preventDefault(); setOver(false); const f = e.dataTransfer?.files[0]; if (f) onFile(f); }}>
      <label>{label}
        <input type="file" accept={accept} onChange={(e) => { const f = e.currentTarget.files?.[0]; if (f) onFile(f); }} />
      </label>
      <p class="hint">{file ? `Selected: ${file.name} (${file.size} bytes)` : 'or drop the file here'}</p>
    </div>
  );
}

/** A QR code drawn as SVG by our own code from the qrcode package's module matrix (no canvas, no data URI). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const { size, data } = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  let path = '';
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (data[y * size + x]) path += `M${x + 4} ${y + 4}h1v1h-1z`;
  return (
    <svg class="qr" viewBox={`0 0 ${size + 8} ${size + 8}`} role="img" aria-label={label} shape-rendering="crispEdges">
      <rect width={size + 8} height={size + 8} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

/** Phase-by-phase progress of one long call (the JSON forms run in one transaction: no row counts until it ends). */
export function Phases({ phases, current }: { phases: string[]; current: number }) {
  if (current < 0) return null;
  return (
    <div class="phases">
      <progress max={phases.length} value={Math.min(current, phases.length)} aria-label="progress" />
      <ol>{phases.map((p, i) => <li key={p} class={i < current ? 'done' : i === current ? 'now' : ''}>{p}</li>)}</ol>
    </div>
  );
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export const when = (value: string | null | undefined) => (value ? new Date(value).toLocaleString() : '—');

export function Table({ caption, head, children }: { caption: string; head: string[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead><tr>{head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
