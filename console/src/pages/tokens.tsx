import { useState } from 'preact/hooks';
import type { Match } from 'tokengate/client';
import type { Session } from '../session';
import { href } from '../router';
import { ErrorNote, plural, Table, useLoad, when } from '../ui';

/** Find a token by serial ("my token is locked": the serial is on the device). */
export function Tokens({ session }: { session: Session }) {
  const [serial, setSerial] = useState('');
  const [lockedOnly, setLockedOnly] = useState(false);
  const [filter, setFilter] = useState({ serial: '', lockedOnly: false });
  const tokens = useLoad(() => {
    const match: Match = [];
    if (filter.serial) match.push(['serial', 'like', `%${filter.serial}%`]);
    if (filter.lockedOnly) match.push(['locked', '=', true]);
    return session.client.token.search({ match, limit: 100, orderBy: ['-createdAt'] });
  }, [filter]);
  return (
    <>
      <h1 tabIndex={-1}>Tokens</h1>
      <form class="inline" role="search" onSubmit={(e) => { e.preventDefault(); setFilter({ serial: serial.trim(), lockedOnly }); }}>
        <label>Serial contains
          <input type="search" value={serial} onInput={(e) => setSerial(e.currentTarget.value)} />
        </label>
        <label class="check"><input type="checkbox" checked={lockedOnly} onChange={(e) => setLockedOnly(e.currentTarget.checked)} /> Locked only</label>
        <button type="submit">Search</button>
      </form>
      <ErrorNote error={tokens.error} />
      <Table caption={plural(tokens.data?.total ?? 0, 'token')} head={['Serial', 'Product', 'Owner', 'Status', 'Locked', 'Last used']}>
        {(tokens.data?.rows ?? []).map((t: any) => (
          <tr key={t.id}>
            <td><a href={href('tokens', t.id)}>{t.serial}</a></td>
            <td>{t.product.name}</td>
            <td>{t.assignedUsers[0] ? `${t.assignedUsers[0].loginName} @ ${t.assignedUsers[0].domain.name}` : '—'}</td>
            <td>{t.status}</td>
            <td>{t.locked ? <span class="badge locked">locked</span> : 'no'}</td>
            <td>{when(t.lastUsedAt)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}
