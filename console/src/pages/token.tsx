import { useState } from 'preact/hooks';
import type { Session } from '../session';
import { go, href } from '../router';
import { ErrorNote, QrCode, useAction, useConfirm, useLoad, when } from '../ui';

interface Holder { id: string; loginName: string; domain: { id: string; name: string }; status: string; hasPin: boolean }
interface TokenView {
  id: string; serial: string; status: string; type: 'HOTP' | 'TOTP'; algorithm: string; digits: number; period?: number;
  counter?: number | string; drift?: number; failCount: number; locked: boolean; confined: boolean; description: string | null;
  product: { name: string; manufacturerCode: string; productCode: string; hardware: boolean };
  repository: { name: string } | null; assignedUsers: Holder[]; sharedUsers: Holder[]; lastUsedAt: string | null; createdAt: string;
}

export function TokenPage({ session, id }: { session: Session; id: string }) {
  const token = useLoad(() => session.client.token.get({ id }) as Promise<TokenView>, [id]);
  const t = token.data;
  const canWrite = session.can('token:write');
  return (
    <>
      <p><a href={href('tokens')}>← Tokens</a></p>
      <h1 tabIndex={-1}>{t ? `Token ${t.serial}` : 'Token'}</h1>
      <ErrorNote error={token.error} />
      {t && <TokenFacts t={t} />}
      {t && <Holders session={session} t={t} canWrite={canWrite} onChange={token.reload} />}
      {t && canWrite && <TokenActions session={session} t={t} onChange={token.reload} />}
    </>
  );
}

function TokenFacts({ t }: { t: TokenView }) {
  return (
    <dl class="facts" aria-label="Token state">
      <dt>Status</dt><dd><span class={`badge ${t.status.toLowerCase()}`}>{t.status}</span></dd>
      <dt>Lock</dt><dd>{t.locked ? <span class="badge locked">locked</span> : <span class="badge active">unlocked</span>}</dd>
      <dt>Fail count</dt><dd data-testid="fail-count">{t.failCount}</dd>
      <dt>Type</dt><dd>{t.type} · {t.algorithm} · {t.digits} digits{t.type === 'TOTP' ? ` · ${t.period} s` : ''}</dd>
      {t.type === 'HOTP' ? <><dt>Counter</dt><dd>{String(t.counter)}</dd></> : <><dt>Step drift</dt><dd>{t.drift}</dd></>}
      <dt>Product</dt><dd>{t.product.name} ({t.product.manufacturerCode}/{t.product.productCode}{t.product.hardware ? ', hardware' : ', software'})</dd>
      <dt>Downloads</dt><dd>{t.confined ? 'confined (no download links)' : 'allowed'}</dd>
      <dt>Repository</dt><dd>{t.repository?.name ?? '—'}</dd>
      <dt>Last used</dt><dd>{when(t.lastUsedAt)}</dd>
      <dt>Created</dt><dd>{when(t.createdAt)}</dd>
    </dl>
  );
}

function Holders({ session, t, canWrite, onChange }: { session: Session; t: TokenView; canWrite: boolean; onChange: () => void }) {
  const action = useAction();
  const [dialog, confirm] = useConfirm();
  const [domain, setDomain] = useState('');
  const [loginName, setLoginName] = useState('');
  const [shared, setShared] = useState(false);
  const holders = [...t.assignedUsers.map((u) => ({ ...u, role: 'owner' })), ...t.sharedUsers.map((u) => ({ ...u, role: 'shared' }))];

  const unassign = async (u: Holder) => {
    if (!(await confirm(`Unassign ${t.serial} from ${u.loginName}? They can no longer sign in with it.`, 'Unassign'))) return;
    if (await action.run(() => session.client.token.delete({ id: t.id, user: { id: u.id } }))) onChange();
  };
  const assign = async (e: Event) => {
    e.preventDefault();
    const done = await action.run(() => session.client.token.assign({ id: t.id, user: { domain: { name: domain.trim() }, loginName: loginName.trim() }, shared }));
    if (done) { setLoginName(''); onChange(); }
  };
  return (
    <section aria-labelledby="holders">
      <h2 id="holders">Assigned to</h2>
      {holders.length === 0 ? <p>Nobody.</p> : (
        <ul class="holders">
          {holders.map((u) => (
            <li key={u.id}>
              <a href={href('users', u.id)}>{u.loginName} @ {u.domain.name}</a> <span class="muted">({u.role}{u.hasPin ? ', PIN' : ''})</span>
              {canWrite && <button type="button" class="secondary" disabled={action.busy} onClick={() => unassign(u)}>Unassign</button>}
            </li>
          ))}
        </ul>
      )}
      {canWrite && (
        <form class="inline" onSubmit={assign} aria-label="Assign to a user">
          <label>Domain <input required value={domain} onInput={(e) => setDomain(e.currentTarget.value)} /></label>
          <label>Login name <input required value={loginName} onInput={(e) => setLoginName(e.currentTarget.value)} /></label>
          <label class="check"><input type="checkbox" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} /> Shared</label>
          <button type="submit" disabled={action.busy}>Assign</button>
        </form>
      )}
      <ErrorNote error={action.error} />
      {dialog}
    </section>
  );
}

function TokenActions({ session, t, onChange }: { session: Session; t: TokenView; onChange: () => void }) {
  const action = useAction();
  const [dialog, confirm] = useConfirm();
  const [otp1, setOtp1] = useState('');
  const [otp2, setOtp2] = useState('');
  const [notice, setNotice] = useState('');
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  const tg = session.client.token;
  const act = async (what: () => Promise<unknown>, done: string) => {
    setNotice('');
    if ((await action.run(what)) !== undefined) { setNotice(done); onChange(); }
  };

  return (
    <section aria-labelledby="actions">
      <h2 id="actions">Actions</h2>
      <div class="actions">
        <button type="button" disabled={action.busy} onClick={() => act(() => tg.reset({ id: t.id }), 'Reset: the lock and fail count are cleared.')}>Reset (unlock)</button>
        {t.confined
          ? <button type="button" disabled={action.busy} onClick={() => act(() => tg.release({ id: t.id }), 'Released: download links can be made again.')}>Release</button>
          : <button type="button" disabled={action.busy} onClick={() => act(() => tg.confine({ id: t.id }), 'Confined: outstanding links are dead.')}>Confine</button>}
        {!t.product.hardware && !t.confined && (
          <button type="button" disabled={action.busy} onClick={async () => { setLink((await action.run(() => tg.getDownloadUrl({ id: t.id }))) ?? null); }}>New download link</button>
        )}
        <button type="button" class="danger" disabled={action.busy} onClick={async () => {
          if (!(await confirm(`Delete token ${t.serial}? Its assignments and download links go with it. This cannot be undone.`, 'Delete token'))) return;
          if (await action.run(() => tg.delete({ id: t.id }))) go('tokens');
        }}>Delete…</button>
      </div>
      <h3 id="resync">Resynchronise with two consecutive codes</h3>
      <form class="inline" aria-labelledby="resync" onSubmit={(e) => {
        e.preventDefault();
        act(() => tg.syncToken({ id: t.id, credential: `${otp1.trim()},${otp2.trim()}` }), 'Resynchronised.').then(() => { setOtp1(''); setOtp2(''); });
      }}>
        <label>First code <input inputMode="numeric" autocomplete="off" required value={otp1} onInput={(e) => setOtp1(e.currentTarget.value)} /></label>
        <label>Next code <input inputMode="numeric" autocomplete="off" required value={otp2} onInput={(e) => setOtp2(e.currentTarget.value)} /></label>
        <button type="submit" disabled={action.busy}>Resync</button>
      </form>
      <p role="status" class="notice">{notice}</p>
      <ErrorNote error={action.error} />
      {link && (
        <div class="download-link">
          <p>Single-use enrolment link, valid until {when(link.expiresAt)}. Send it to the user, or let them scan it:</p>
          <QrCode text={link.url} label={`QR code of the enrolment link for ${t.serial}`} />
          <p><input aria-label="Enrolment link" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} /></p>
        </div>
      )}
      {dialog}
    </section>
  );
}
