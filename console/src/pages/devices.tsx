import type { Session } from '../session';
import { go, href } from '../router';
import { ErrorNote, plural, Table, useAction, useConfirm, useLoad, when } from '../ui';

interface DeviceRow { uuid: string; name: string | null; type: string | null; owner: string | null; createdAt: string; sessionTokens: number }

export function Devices({ session }: { session: Session }) {
  const devices = useLoad(() => session.client.device.search({ limit: 200, orderBy: '-createdAt' }), []);
  return (
    <>
      <h1 tabIndex={-1}>Devices</h1>
      <ErrorNote error={devices.error} />
      <Table caption={plural(devices.data?.total ?? 0, 'device')} head={['Name', 'Type', 'UUID', 'Owner', 'Session tokens', 'Registered']}>
        {((devices.data?.rows ?? []) as DeviceRow[]).map((d) => (
          <tr key={d.uuid}>
            <td><a href={href('devices', d.uuid)}>{d.name ?? '(unnamed)'}</a></td>
            <td>{d.type ?? '—'}</td>
            <td><code>{d.uuid}</code></td>
            <td>{d.owner ?? '—'}</td>
            <td>{d.sessionTokens}</td>
            <td>{when(d.createdAt)}</td>
          </tr>
        ))}
      </Table>
    </>
  );
}

export function DevicePage({ session, uuid }: { session: Session; uuid: string }) {
  const device = useLoad(() => session.client.device.get({ uuid }), [uuid]);
  const tokens = useLoad(() => session.client.device.searchTokens({ uuid, limit: 200 }), [uuid]);
  const action = useAction();
  const [dialog, confirm] = useConfirm();
  const d = device.data;

  const revoke = async (id: string) => {
    if (!(await confirm('Revoke this session token? The app using it is signed out at once.', 'Revoke'))) return;
    if (await action.run(() => session.client.device.revokeTokensByQuery({ uuid, id }))) tokens.reload();
  };
  const unregister = async () => {
    if (!(await confirm('Unregister this device? Its root token and every session token stop working. This cannot be undone.', 'Unregister'))) return;
    if (await action.run(() => session.client.device.unregister({ uuid }))) go('devices');
  };
  return (
    <>
      <p><a href={href('devices')}>← Devices</a></p>
      <h1 tabIndex={-1}>{d ? `Device ${d.name ?? d.uuid}` : 'Device'}</h1>
      <ErrorNote error={device.error ?? tokens.error ?? action.error} />
      {d && (
        <dl class="facts">
          <dt>UUID</dt><dd><code>{d.uuid}</code></dd>
          <dt>Type</dt><dd>{d.type ?? '—'}</dd>
          <dt>Owner</dt><dd>{d.owner ?? '—'}</dd>
          <dt>Registered</dt><dd>{when(d.createdAt)}</dd>
        </dl>
      )}
      <Table caption={`${plural(tokens.data?.total ?? 0, 'live session token')} (metadata only)`} head={['Tag', 'Created', 'Expires', '']}>
        {(tokens.data?.rows ?? []).map((t: any) => (
          <tr key={t.id}>
            <td>{t.tag ?? '—'}</td><td>{when(t.createdAt)}</td><td>{t.expiresOn ? when(t.expiresOn) : 'never'}</td>
            <td><button type="button" class="secondary" disabled={action.busy} onClick={() => revoke(t.id)}>Revoke</button></td>
          </tr>
        ))}
      </Table>
      {d && <p><button type="button" class="danger" disabled={action.busy} onClick={unregister}>Unregister device…</button></p>}
      {dialog}
    </>
  );
}
