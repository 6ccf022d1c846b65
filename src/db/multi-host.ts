import { Client, type ClientConfig, type PoolConfig } from 'pg';
import { DatabaseHost, DatabaseTarget, parseDatabaseUrl } from './multi-host-url';

/**
 * Connections to whichever host of a multi-host DATABASE_URL suits its
 * target_session_attrs (SPEC §12), for pg, which knows one host only. After a failover the
 * first connection that fails makes the process look again, through every host, until one
 * takes writes or TOKENGATE_DB_CONNECT_TIMEOUT has passed (then: NoSuitableHostError, an
 * SQLSTATE 08001 that callers answer SERVICE_UNAVAILABLE).
 *
 * Two forms: poolOptionsFor() for pg.Pool (its `Client` picks the host as it connects) and
 * connectToDatabase() for a single connection (LISTEN, the CLI).
 */

/** No host suited in time; code 08001 (sqlclient_unable_to_establish_sqlconnection) marks it as "database unavailable". */
export class NoSuitableHostError extends Error {
  readonly code = '08001';
  constructor(message: string) {
    super(message);
    this.name = 'NoSuitableHostError';
  }
}

/** Between two rounds through every host, while none suits (a standby not yet promoted). */
const ROUND_PAUSE_MS = 200;

/**
 * Which host of one URL took writes last, shared by every connection of the process to
 * that URL; and at most one search at a time when it is lost.
 */
export class HostLocator {
  private known: DatabaseHost | undefined;
  private search: Promise<DatabaseHost> | undefined;
  /** One host and any session: nothing to search for, and a failed connection is simply failed (pg's own behaviour). */
  readonly fixed: boolean;

  constructor(readonly target: DatabaseTarget, private readonly probeConfig: ClientConfig) {
    this.fixed = target.hosts.length === 1 && target.targetSessionAttrs === 'any';
    if (this.fixed) this.known = target.hosts[0];
  }

  /** The host to connect to by `deadline` (performance.now() ms): the one known, else the first a search finds. */
  async choose(deadline: number): Promise<DatabaseHost> {
    for (;;) {
      if (this.known) return this.known;
      this.search ??= this.searchAll(deadline).finally(() => { this.search = undefined; });
      try {
        return await withDeadline(this.search, deadline, () => this.noHostError(''));
      } catch (err) {
        // a search begun for an earlier caller ran out of its time before ours: look again
        if (performance.now() >= deadline - ROUND_PAUSE_MS) throw err;
      }
    }
  }

  /** A connection to `host` failed or was cut: the next connection looks again (unless it is the only choice). */
  forget(host: DatabaseHost): void {
    if (this.known === host && !this.fixed) this.known = undefined;
  }

  /** Whether a connected client suits target_session_attrs (uses what the server reported at start-up when it did). */
  suits(client: Client, reported: ReadonlyMap<string, string>): Promise<boolean> {
    return suitsTarget(client, reported, this.target.targetSessionAttrs);
  }

  private async searchAll(deadline: number): Promise<DatabaseHost> {
    const outcomes = new Map<DatabaseHost, string>();
    for (;;) {
      const found = await firstSuitable(this.target.hosts, (host) => this.probe(host, deadline, outcomes));
      if (found) return (this.known = found);
      // no round that could not end before the deadline: the search is over by then
      if (deadline - performance.now() < 2 * ROUND_PAUSE_MS) throw this.noHostError(describe(outcomes));
      await new Promise((resolve) => setTimeout(resolve, ROUND_PAUSE_MS));
    }
  }

  /** Connects to `host`, says whether it suits, disconnects. */
  private async probe(host: DatabaseHost, deadline: number, outcomes: Map<DatabaseHost, string>): Promise<boolean> {
    const client = new Client({
      ...this.probeConfig, connectionString: this.target.urlFor(host),
      connectionTimeoutMillis: Math.max(1, Math.round(deadline - performance.now())),
    });
    client.on('error', () => {});
    const reported = recordParameterStatus(client);
    try {
      await client.connect();
      const ok = await this.suits(client, reported);
      outcomes.set(host, ok ? 'suits' : this.target.targetSessionAttrs === 'primary' ? 'a standby' : 'read-only');
      return ok;
    } catch (err) {
      outcomes.set(host, (err as { code?: string }).code ?? (err instanceof Error ? err.message : 'failed'));
      return false;
    } finally {
      void client.end().catch(() => {});
    }
  }

  private noHostError(tried: string): NoSuitableHostError {
    const want = this.target.targetSessionAttrs === 'any' ? 'accepted a connection' : 'accepted writes';
    return new NoSuitableHostError(`no database host ${want} within TOKENGATE_DB_CONNECT_TIMEOUT${tried ? ` (${tried})` : ''}`);
  }
}

const locators = new Map<string, HostLocator>();

/** The process's locator for a URL (one per URL: every pool and LISTEN connection of it learn together). */
export function locatorFor(url: string, probeConfig: ClientConfig = {}): HostLocator {
  let locator = locators.get(url);
  if (!locator) {
    locator = new HostLocator(parseDatabaseUrl(url), { application_name: 'tokengate', ...probeConfig });
    locators.set(url, locator);
  }
  return locator;
}

/**
 * pg.Pool options for a (multi-host) URL: a `Client` that connects to the host the locator
 * picks and checks it suits, and the connect timeout, which bounds the search too. A
 * single-host URL without target_session_attrs gets pg's own Client, as before.
 */
export function poolOptionsFor(url: string, o: { connectTimeoutMs: number }): Pick<PoolConfig, 'connectionString' | 'Client' | 'connectionTimeoutMillis'> {
  const locator = locatorFor(url);
  const base = { connectionString: locator.target.urlFor(locator.target.hosts[0]), connectionTimeoutMillis: o.connectTimeoutMs };
  if (locator.fixed) return base;
  return { ...base, Client: multiHostClient(locator, o.connectTimeoutMs) as unknown as PoolConfig['Client'] };
}

/** A pg Client class whose connect() goes to the locator's host; the pool constructs it. */
function multiHostClient(locator: HostLocator, connectTimeoutMs: number): typeof Client {
  return class MultiHostClient extends Client {
    override connect(): Promise<Client>;
    override connect(callback: (err: Error) => void): void;
    override connect(callback?: (err: Error) => void): Promise<Client> | void {
      const connected = this.connectToChosenHost();
      if (!callback) return connected;
      connected.then(() => callback(null as unknown as Error), callback);
    }

    private async connectToChosenHost(): Promise<Client> {
      // a hair before the pool's own timer, which would cut the socket without a word
      const host = await locator.choose(performance.now() + connectTimeoutMs - 50);
      if ((this.connection as unknown as { stream: { destroyed: boolean } }).stream.destroyed) throw new Error('Connection terminated due to connection timeout');
      this.host = host.host;
      this.port = host.port;
      (this as unknown as { connectionParameters: DatabaseHost }).connectionParameters.host = host.host;
      (this as unknown as { connectionParameters: DatabaseHost }).connectionParameters.port = host.port;
      const reported = recordParameterStatus(this);
      this.on('error', () => locator.forget(host)); // the primary went away (or this connection did): look again next time
      try {
        await super.connect();
      } catch (err) {
        locator.forget(host);
        throw err;
      }
      if (!(await locator.suits(this, reported))) {
        locator.forget(host);
        await this.end().catch(() => {});
        throw new NoSuitableHostError(`the database host ${host.host}:${host.port} no longer accepts writes`);
      }
      return this;
    }
  };
}

/**
 * One connection to a host that suits the URL (LISTEN, the CLI), within `connectTimeoutMs`.
 * The caller ends it.
 */
export async function connectToDatabase(url: string, config: Omit<ClientConfig, 'connectionString'>, connectTimeoutMs: number): Promise<Client> {
  const locator = locatorFor(url);
  const deadline = performance.now() + connectTimeoutMs;
  for (;;) {
    const host = await locator.choose(deadline);
    const client = new Client({ ...config, connectionString: locator.target.urlFor(host), connectionTimeoutMillis: Math.max(1, Math.round(deadline - performance.now())) });
    const reported = recordParameterStatus(client);
    client.on('error', () => locator.forget(host));
    try {
      await client.connect();
      if (await locator.suits(client, reported)) return client;
    } catch (err) {
      // a fixed host is one attempt, as the pool's own Client makes: refused fails the call at once
      if (locator.fixed || performance.now() >= deadline) throw err;
    }
    locator.forget(host);
    await client.end().catch(() => {});
    if (performance.now() >= deadline) throw new NoSuitableHostError(`no database host accepted writes within ${connectTimeoutMs / 1000} s`);
  }
}

/** The ParameterStatus values the server sends while a connection starts (in_hot_standby and default_transaction_read_only from PostgreSQL 14 on). */
function recordParameterStatus(client: Client): Map<string, string> {
  const reported = new Map<string, string>();
  (client.connection as unknown as NodeJS.EventEmitter).on('parameterStatus', (m: { parameterName: string; parameterValue: string }) => {
    reported.set(m.parameterName, m.parameterValue);
  });
  return reported;
}

/** libpq's rules: read-write = not a hot standby and not read-only by default; primary = not a hot standby. Asked with SQL before PostgreSQL 14. */
async function suitsTarget(client: Client, reported: ReadonlyMap<string, string>, target: DatabaseTarget['targetSessionAttrs']): Promise<boolean> {
  if (target === 'any') return true;
  const hotStandby = reported.get('in_hot_standby');
  if (hotStandby !== undefined) {
    return hotStandby === 'off' && (target === 'primary' || reported.get('default_transaction_read_only') === 'off');
  }
  const { rows } = await client.query<{ ro: string }>(target === 'primary'
    ? `SELECT CASE WHEN pg_is_in_recovery() THEN 'on' ELSE 'off' END AS ro`
    : 'SELECT current_setting(\'transaction_read_only\') AS ro');
  return rows[0]?.ro === 'off';
}

/**
 * The first host in the URL's order for which `check` says yes, as libpq would pick, but all
 * asked at once: a later host is not held up by an earlier one that refuses or is slow, only
 * chosen once every host before it has said no. Undefined when none does.
 */
function firstSuitable(hosts: DatabaseHost[], check: (host: DatabaseHost) => Promise<boolean>): Promise<DatabaseHost | undefined> {
  return new Promise((resolve) => {
    const answers: (boolean | undefined)[] = hosts.map(() => undefined);
    const decide = () => {
      for (let i = 0; i < hosts.length; i++) {
        if (answers[i] === undefined) return;
        if (answers[i]) return resolve(hosts[i]);
      }
      resolve(undefined);
    };
    hosts.forEach((host, i) => void check(host).then((ok) => { answers[i] = ok; decide(); }));
  });
}

function withDeadline<T>(work: Promise<T>, deadline: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(late()), Math.max(0, deadline - performance.now())); });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function describe(outcomes: Map<DatabaseHost, string>): string {
  return [...outcomes].map(([h, outcome]) => `${h.host}:${h.port} ${outcome}`).join(', ');
}
