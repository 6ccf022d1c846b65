
/**
 * A DATABASE_URL in libpq's multi-host form (SPEC §12):
 * `postgres://u:p@h1:5432,h2:5433/db?target_session_attrs=read-write`.
 * pg (node-postgres) knows one host only; this reads the list, and multi-host.ts opens a
 * connection to the one that suits. Nothing here connects.
 */

/** Which host a connection may use (libpq's target_session_attrs, the values tokengate can work with). */
export type TargetSessionAttrs = 'any' | 'read-write' | 'primary';

export interface DatabaseHost { host: string; port: number }

export interface DatabaseTarget {
  /** In the URL's order: libpq tries them in that order too. */
  hosts: DatabaseHost[];
  targetSessionAttrs: TargetSessionAttrs;
  /** The URL naming `host` alone (everything else as given, target_session_attrs removed): for pg. */
  urlFor(host: DatabaseHost): string;
}

/** A DATABASE_URL this module cannot use; the message never repeats the URL (it may hold a password). */
export class DatabaseUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUrlError';
  }
}

const TARGETS: readonly TargetSessionAttrs[] = ['any', 'read-write', 'primary'];
const DEFAULT_PORT = 5432;

/**
 * Reads the hosts and target_session_attrs of a postgres:// URL. Unset target_session_attrs
 * means `read-write` when the URL names several hosts (every tokengate connection writes,
 * and a standby would only fail them) and libpq's own `any` for one host. libpq's
 * `read-only`, `standby` and `prefer-standby` are refused: tokengate never reads from a
 * standby (SPEC §12).
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const m = /^(postgres(?:ql)?:\/\/)([^/?#]*)(.*)$/s.exec(url.trim());
  if (!m) throw new DatabaseUrlError('the database URL must start with postgres:// or postgresql://');
  const [, scheme, authority, rest] = m;
  const at = authority.lastIndexOf('@');
  const userinfo = at >= 0 ? authority.slice(0, at + 1) : '';
  const hostList = authority.slice(at + 1);
  const { tail, target } = takeTargetSessionAttrs(rest);

  if (!hostList.includes(',')) {
    // One host: pg reads it exactly as before (a socket directory in ?host=, an empty host...).
    const single = `${scheme}${authority}${tail}`;
    const config = parseSingleHost(single);
    const host = { host: config.host || 'localhost', port: Number(config.port) || DEFAULT_PORT };
    return { hosts: [host], targetSessionAttrs: target ?? 'any', urlFor: () => single };
  }

  if (/[?&](host|hostaddr|port)=/.test(tail)) {
    throw new DatabaseUrlError('with several hosts, name each one (and its port) in the URL, not in ?host=, ?hostaddr= or ?port=');
  }
  const hosts = hostList.split(',').map(parseHost);
  return {
    hosts,
    targetSessionAttrs: target ?? 'read-write',
    urlFor: (h) => `${scheme}${userinfo}${h.host.includes(':') ? `[${h.host}]` : encodeURIComponent(h.host)}:${h.port}${tail}`,
  };
}

/** `h`, `h:5433`, `[::1]`, `[::1]:5433`. */
function parseHost(text: string, index: number): DatabaseHost {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(text);
  if (!m) throw new DatabaseUrlError(`host ${index + 1} of the database URL is not a host name, address or [IPv6 address] with an optional :port`);
  const port = m[3] === undefined ? DEFAULT_PORT : Number(m[3]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new DatabaseUrlError(`host ${index + 1} of the database URL has a port outside 1 to 65535`);
  return { host: m[1] ?? decodeURIComponent(m[2]), port };
}

/** The path and query without target_session_attrs, and its value when given (checked). */
function takeTargetSessionAttrs(rest: string): { tail: string; target: TargetSessionAttrs | undefined } {
  const q = rest.indexOf('?');
  if (q < 0) return { tail: rest, target: undefined };
  const hash = rest.indexOf('#', q);
  const query = rest.slice(q + 1, hash < 0 ? undefined : hash);
  let target: TargetSessionAttrs | undefined;
  const kept = query.split('&').filter((pair) => {
    const [name, value = ''] = pair.split('=');
    if (decodeURIComponent(name) !== 'target_session_attrs') return pair !== '';
    const wanted = decodeURIComponent(value);
    if (!(TARGETS as readonly string[]).includes(wanted)) {
      throw new DatabaseUrlError(`target_session_attrs=${wanted.slice(0, 40)} is not supported: use ${TARGETS.join(', ')} (tokengate writes on every connection)`);
    }
    target = wanted as TargetSessionAttrs;
    return false;
  });
  return { tail: rest.slice(0, q) + (kept.length ? `?${kept.join('&')}` : ''), target };
}

/**
 * pg's own URL reader, loaded on first use: the HTTP-only CLI commands read the settings
 * (this file checks DATABASE_URL) but never connect, and load nothing of pg.
 */
function parseSingleHost(url: string): ReturnType<typeof import('pg-connection-string').parse> {
  const { parse } = require('pg-connection-string') as typeof import('pg-connection-string');
  return parse(url);
}

