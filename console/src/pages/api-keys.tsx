import { useState } from 'preact/hooks';
import type { Scope } from 'tokengate/client';
import type { Session } from '../session';
import { ErrorNote, plural, Table, useAction, useConfirm, useLoad, when } from '../ui';

const SCOPES: Scope[] = ['admin', 'directory', 'token:read', 'token:write', 'token:credential', 'auth:verify', 'user:token', 'device', 'template', 'audit:read'];

interface KeyRow { id: string; name: string; scopes: string[]; identity: string | null; createdAt: string; expiresAt: string | null; revokedAt: string | null }

export function ApiKeys({ session }: { session: Session }) {
  const keys = useLoad(() => session.client.apikey.search({ limit: 500, orderBy: '-createdAt' }), []);
  const action = useAction();
  const [dialog, confirm] = useConfirm();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>([]);
  // the new key lives in this component's state only: a reload loses it, as it should
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    const reply = await action.run(() => session.client.apikey.create({ attrs: { name: name.trim(), scopes } }));
    if (reply) { setCreated({ name: name.trim(), key: reply.key }); setName(''); setScopes([]); keys.reload(); }
  };
  const revoke = async (k: KeyRow) => {
    if (!(await confirm(`Revoke the key “${k.name}”? Everything using it stops working at once.`, 'Revoke key'))) return;
    if (await action.run(() => session.client.apikey.revoke({ id: k.id }))) keys.reload();
  };
  const toggle = (scope: Scope, on: boolean) => setScopes((s) => (on ? [...s, scope] : s.filter((x) => x !== scope)));

  return (
    <>
      <h1 tabIndex={-1}>API keys</h1>
      <form class="stack" onSubmit={create} aria-label="Create an API key">
        <label>Name <input required maxLength={200} value={name} onInput={(e) => setName(e.currentTarget.value)} /></label>
        <fieldset>
          <legend>Scopes</legend>
          {SCOPES.map((s) => (
            <label class="check" key={s}><input type="checkbox" checked={scopes.includes(s)} onChange={(e) => toggle(s, e.currentTarget.checked)} /> {s}</label>
          ))}
        </fieldset>
        <button type="submit" disabled={action.busy || scopes.length === 0}>Create key</button>
      </form>
      {created && (
        <div class="once" role="status">
          <p><strong>New key “{created.name}”.</strong> Copy it now: it is shown only this once and cannot be read again.</p>
          <input aria-label="New API key" readOnly value={created.key} onFocus={(e) => e.currentTarget.select()} />
          <button type="button" onClick={() => setCreated(null)}>I have copied it</button>
        </div>
      )}
      <ErrorNote error={keys.error ?? action.error} />
      <Table caption={plural(keys.data?.total ?? 0, 'key')} head={['Name', 'Scopes', 'Created', 'Expires', 'State', '']}>
        {((keys.data?.rows ?? []) as KeyRow[]).map((k) => (
          <tr key={k.id}>
            <td>{k.name}{k.id === session.who.id ? ' (this session)' : ''}</td>
            <td>{k.scopes.join(', ')}</td>
            <td>{when(k.createdAt)}</td>
            <td>{k.expiresAt ? when(k.expiresAt) : 'never'}</td>
            <td>{k.revokedAt ? <span class="badge locked">revoked</span> : <span class="badge active">active</span>}</td>
            <td>{!k.revokedAt && k.id !== session.who.id && <button type="button" class="secondary" disabled={action.busy} onClick={() => revoke(k)}>Revoke</button>}</td>
          </tr>
        ))}
      </Table>
      {dialog}
    </>
  );
}
