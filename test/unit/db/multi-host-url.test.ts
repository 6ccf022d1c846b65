import { DatabaseUrlError, parseDatabaseUrl } from '../../../src/db/multi-host-url';

// Expected values: libpq's documentation of connection URIs (PostgreSQL manual, "Connection
// Strings", 34.1.1.2 and "Specifying Multiple Hosts"): hosts in order, a host without a port
// takes 5432, target_session_attrs defaults to any.
describe('parseDatabaseUrl', () => {
  it('when several hosts and read-write are given then the hosts in order and one URL per host without target_session_attrs', () => {
    const t = parseDatabaseUrl('postgres://u:p%40ss@h1:5432,h2:5433/db?target_session_attrs=read-write&sslmode=require');
    expect(t.hosts).toEqual([{ host: 'h1', port: 5432 }, { host: 'h2', port: 5433 }]);
    expect(t.targetSessionAttrs).toBe('read-write');
    expect(t.hosts.map((h) => t.urlFor(h))).toEqual([
      'postgres://u:p%40ss@h1:5432/db?sslmode=require',
      'postgres://u:p%40ss@h2:5433/db?sslmode=require',
    ]);
  });

  it('when a host has no port then 5432, and IPv6 addresses in brackets keep their brackets in the URL only', () => {
    const t = parseDatabaseUrl('postgresql://u@db-a,[::1]:6432,10.0.0.3/tg?target_session_attrs=primary');
    expect(t.hosts).toEqual([{ host: 'db-a', port: 5432 }, { host: '::1', port: 6432 }, { host: '10.0.0.3', port: 5432 }]);
    expect(t.targetSessionAttrs).toBe('primary');
    expect(t.urlFor(t.hosts[1])).toBe('postgresql://u@[::1]:6432/tg');
  });

  it('when several hosts and no target_session_attrs then read-write (tokengate writes on every connection)', () => {
    const t = parseDatabaseUrl('postgres://u:p@h1,h2/db');
    expect(t.targetSessionAttrs).toBe('read-write');
    expect(t.urlFor(t.hosts[0])).toBe('postgres://u:p@h1:5432/db');
  });

  it('when one host then any, and the URL is handed on as given (minus target_session_attrs)', () => {
    const plain = parseDatabaseUrl('postgres://u:p@db.example:6543/tg?sslmode=verify-full');
    expect([plain.hosts, plain.targetSessionAttrs, plain.urlFor(plain.hosts[0])])
      .toEqual([[{ host: 'db.example', port: 6543 }], 'any', 'postgres://u:p@db.example:6543/tg?sslmode=verify-full']);
    const asked = parseDatabaseUrl('postgres://u:p@db/tg?target_session_attrs=any');
    expect([asked.hosts, asked.targetSessionAttrs, asked.urlFor(asked.hosts[0])])
      .toEqual([[{ host: 'db', port: 5432 }], 'any', 'postgres://u:p@db/tg']);
    const socket = parseDatabaseUrl('postgres:///tg?host=/var/run/postgresql');
    expect([socket.hosts, socket.urlFor(socket.hosts[0])]).toEqual([[{ host: '/var/run/postgresql', port: 5432 }], 'postgres:///tg?host=/var/run/postgresql']);
  });

  it.each([
    ['postgres://u:secret@h1,h2/db?target_session_attrs=standby', 'target_session_attrs=standby is not supported: use any, read-write, primary (tokengate writes on every connection)'],
    ['postgres://u:secret@h1,h2/db?target_session_attrs=prefer-standby', 'target_session_attrs=prefer-standby is not supported: use any, read-write, primary (tokengate writes on every connection)'],
    ['postgres://u:secret@h1/db?target_session_attrs=readwrite', 'target_session_attrs=readwrite is not supported: use any, read-write, primary (tokengate writes on every connection)'],
    ['postgres://u:secret@h1:5432,h2:0/db', 'host 2 of the database URL has a port outside 1 to 65535'],
    ['postgres://u:secret@h1:5432,/db', 'host 2 of the database URL is not a host name, address or [IPv6 address] with an optional :port'],
    ['postgres://u:secret@h1:54x,h2/db', 'host 1 of the database URL is not a host name, address or [IPv6 address] with an optional :port'],
    ['postgres://u:secret@h1,h2/db?port=5433', 'with several hosts, name each one (and its port) in the URL, not in ?host=, ?hostaddr= or ?port='],
    ['mysql://u:secret@h1/db', 'the database URL must start with postgres:// or postgresql://'],
  ])('when the URL is %s then a DatabaseUrlError says what is wrong without the password', (url, message) => {
    let thrown: unknown;
    try { parseDatabaseUrl(url); } catch (err) { thrown = err; }
    expect(thrown).toBeInstanceOf(DatabaseUrlError);
    expect((thrown as Error).message).toBe(message);
    expect((thrown as Error).message).not.toContain('secret');
  });
});
