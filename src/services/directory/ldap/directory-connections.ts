import { Client, ResultCodeError } from 'ldapts';
import type { ConnectionOptions } from 'node:tls';
import { isConnectionLost, isDirectoryOutage } from './directory-errors';
import type { DirectorySettings } from './directory-settings';

type Connectable = DirectorySettings & { bindPassword: string };

/** Bound connections a domain keeps open; more calls at once wait for one to come back. */
const POOL_SIZE = 4;

/**
 * A small pool of connections to one domain's directory, bound as its service account.
 * URLs are tried in the order given (failover). A connection that is lost (socket closed,
 * timeout; not an answer such as "busy") is dropped, never handed out again; a pooled connection that
 * turns out dead (the server restarted while it sat idle) is replaced once, at once, so
 * the first call after a restart already works.
 */
export class DirectoryConnections {
  private readonly idle: Client[] = [];
  private readonly waiting: Array<() => void> = [];
  private inUse = 0;
  private closed = false;

  constructor(private readonly settings: Connectable) {}

  /** Runs `work` on a bound connection. */
  async use<T>(work: (client: Client) => Promise<T>): Promise<T> {
    await this.slot();
    try {
      let pooled = this.idle.pop();
      // a closed socket: the client would reconnect by itself, unbound; drop it instead
      while (pooled && !pooled.isConnected) pooled = this.idle.pop();
      if (pooled) {
        try {
          return await this.run(pooled, work);
        } catch (err) {
          if (!isConnectionLost(err)) throw err;
          // fall through: a fresh connection, once
        }
      }
      return await this.run(await this.connect(this.settings.bindDn, this.settings.bindPassword), work);
    } finally {
      this.inUse--;
      this.waiting.shift()?.();
    }
  }

  /**
   * Binds as `dn` on a connection of its own (never a pooled one: a bind changes who the
   * connection is). True when the directory accepts the password. An empty password is
   * refused here, before any bind: RFC 4513 §5.1.2 makes it an "unauthenticated bind",
   * which many servers answer with success.
   */
  async checkPassword(dn: string, password: string): Promise<boolean> {
    if (password === '') return false;
    let client: Client | undefined;
    try {
      client = await this.connect(dn, password);
      return true;
    } catch (err) {
      // The directory's answer (a wrong password, a locked account) is a no; an outage, or a
      // fault of our own, is no answer and must not count as a failed login.
      if (err instanceof ResultCodeError && !isDirectoryOutage(err)) return false;
      throw err;
    } finally {
      await client?.unbind().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const clients = this.idle.splice(0);
    await Promise.all(clients.map((c) => c.unbind().catch(() => {})));
  }

  private async run<T>(client: Client, work: (client: Client) => Promise<T>): Promise<T> {
    try {
      const result = await work(client);
      if (this.closed) await client.unbind().catch(() => {});
      else if (client.isConnected) this.idle.push(client); // the work may have ended it itself (a scan stopped half-way)
      return result;
    } catch (err) {
      // an answer (no such object, size limit, busy) leaves the connection good; anything else ends it
      if (isConnectionLost(err)) await client.unbind().catch(() => {});
      else this.idle.push(client);
      throw err;
    }
  }

  private slot(): Promise<void> {
    if (this.inUse < POOL_SIZE) {
      this.inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => { this.inUse++; resolve(); }));
  }

  /** A connection bound as `dn`: the URLs in order, the first that answers wins. */
  private async connect(dn: string, password: string): Promise<Client> {
    const urls = this.settings.url.trim().split(/\s+/);
    let lastError: unknown;
    for (const url of urls) {
      // ldapts speaks TLS from the start whenever tlsOptions is given: only for ldaps://
      const client = new Client({
        url, timeout: this.settings.timeoutMs, connectTimeout: this.settings.timeoutMs,
        ...(url.startsWith('ldaps://') ? { tlsOptions: this.tlsOptions() } : {}),
      });
      try {
        if (this.settings.startTls && url.startsWith('ldap://')) await client.startTLS(this.tlsOptions());
        // no password stored for the service account: an anonymous connection, never an unauthenticated bind as bindDn
        if (password !== '') await client.bind(dn, password);
        return client;
      } catch (err) {
        await client.unbind().catch(() => {});
        if (!isDirectoryOutage(err)) throw err;
        lastError = err;
      }
    }
    throw lastError;
  }

  /** Certificates are always verified: against the domain's CA when it has one, else the system's. */
  private tlsOptions(): ConnectionOptions {
    return { rejectUnauthorized: true, ...(this.settings.caCertificate ? { ca: [this.settings.caCertificate] } : {}) };
  }
}
