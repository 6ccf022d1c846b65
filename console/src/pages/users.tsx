import { useState } from 'preact/hooks';
import type { Session } from '../session';
import { href } from '../router';
import { ErrorNote, plural, Table, useAction, useConfirm, useLoad, when } from '../ui';

interface UserRow { id: string; loginName: string; firstName: string | null; lastName: string | null; email: string | null; status: string; domain: { id: string; name: string } }

export function Users({ session }: { session: Session }) {
  const [query, setQuery] = useState('');
  const [submitted, setSubmitted] = useState('');
  const [domainId, setDomainId] = useState('');
  const domains = useLoad(() => session.client.domain.search({ limit: 1000, orderBy: ['name'] }), []);
  // A domain picked: its users as that domain answers them; a directory domain's come from its directory.
  const users = useLoad(() => session.client.user.search({
    match: [...(domainId ? [['domain.id', '=', domainId] as [string, '=', string]] : []), ...(submitted ? [['loginName', 'like', `%${submitted}%`] as [string, 'like', string]] : [])],
    limit: 50, orderBy: ['domain.name', 'loginName'],
  }), [submitted, domainId]);
  const rows = (users.data?.rows ?? []) as UserRow[];
  const domainRows = (domains.data?.rows ?? []) as Array<{ id: string; name: string; directory: unknown }>;
  return (
    <>
      <h1 tabIndex={-1}>Users</h1>
      <form class="inline" role="search" onSubmit={(e) => { e.preventDefault(); setSubmitted(query.trim()); }}>
        <label>Domain
          <select value={domainId} onChange={(e) => setDomainId(e.currentTarget.value)}>
            <option value="">All domains (local rows)</option>
            {domainRows.map((d) => <option key={d.id} value={d.id}>{d.name}{d.directory ? ' (directory)' : ''}</option>)}
          </select>
        </label>
        <label>Login name contains
          <input type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={users.error} />
      <Table caption={users.loading ? 'Searching…' : `${plural(users.data?.total ?? 0, 'user')}${submitted ? ` matching “${submitted}”` : ''}`} head={['Login name', 'Domain', 'Name', 'Email', 'Status']}>
        {rows.map((u) => (
          <tr key={u.id}>
            <td><a href={href('users', u.id)}>{u.loginName}</a></td>
            <td>{u.domain.name}</td>
            <td>{[u.firstName, u.lastName].filter(Boolean).join(' ') || '—'}</td>
            <td>{u.email ?? '—'}</td>
            <td><span class={`badge ${u.status.toLowerCase()}`}>{u.status}</span></td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export function UserPage({ session, id }: { session: Session; id: string }) {
  const user = useLoad(() => session.client.user.get({ id }) as Promise<UserRow>, [id]);
  const u = user.data;
  return (
    <>
      <p><a href={href('users')}>← Users</a></p>
      <h1 tabIndex={-1}>{u ? `${u.loginName} @ ${u.domain.name}` : 'User'}</h1>
      <ErrorNote error={user.error} />
      {u && (
        <dl class="facts">
          <dt>Status</dt><dd>{u.status}</dd>
          <dt>Name</dt><dd>{[u.firstName, u.lastName].filter(Boolean).join(' ') || '—'}</dd>
          <dt>Email</dt><dd>{u.email ?? '—'}</dd>
        </dl>
      )}
      {u && session.can('token:read') && <UserOtpTokens session={session} userId={u.id} />}
      {u && session.can('user:token') && <UserAccessTokens session={session} user={u} />}
    </>
  );
}

function UserOtpTokens({ session, userId }: { session: Session; userId: string }) {
  const tokens = useLoad(() => session.client.token.search({ user: { id: userId }, limit: 100 }), [userId]);
  return (
    <section aria-labelledby="otp-tokens">
      <h2 id="otp-tokens">OTP tokens</h2>
      <ErrorNote error={tokens.error} />
      <Table caption={plural(tokens.data?.total ?? 0, 'token')} head={['Serial', 'Product', 'Type', 'Status', 'Locked', 'Fail count']}>
        {(tokens.data?.rows ?? []).map((t: any) => (
          <tr key={t.id}>
            <td><a href={href('tokens', t.id)}>{t.serial}</a></td>
            <td>{t.product.name}</td>
            <td>{t.type}</td>
            <td>{t.status}</td>
            <td>{t.locked ? <span class="badge locked">locked</span> : 'no'}</td>
            <td>{t.failCount}</td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

function UserAccessTokens({ session, user }: { session: Session; user: UserRow }) {
  const list = useLoad(() => session.client.user.listTokens({ ecosystemId: user.domain.id, id: user.id }), [user.id]);
  const action = useAction();
  const [dialog, confirm] = useConfirm();
  const revoke = async (tokenId: string) => {
    if (!(await confirm('Revoke this user access token? Apps using it are signed out at once.', 'Revoke'))) return;
    await action.run(() => session.client.user.revokeToken({ tokenId }));
    list.reload();
  };
  return (
    <section aria-labelledby="access-tokens">
      <h2 id="access-tokens">User access tokens</h2>
      <ErrorNote error={list.error ?? action.error} />
      <Table caption={`${plural(list.data?.total ?? 0, 'access token')} (metadata only)`} head={['Created', 'Expiry', 'Expires', 'Last used', 'Active', '']}>
        {(list.data?.rows ?? []).map((t: any) => (
          <tr key={t.id}>
            <td>{when(t.createdAt)}</td>
            <td>{t.expiryType}{t.ttl ? ` (${t.ttl} s)` : ''}</td>
            <td>{when(t.expiresAt)}</td>
            <td>{when(t.lastUsedAt)}</td>
            <td>{t.active ? 'yes' : 'no'}</td>
            <td>{t.active && <button type="button" class="secondary" disabled={action.busy} onClick={() => revoke(t.id)}>Revoke</button>}</td>
          </tr>
        ))}
      </Table>
      {dialog}
    </section>
  );
}
