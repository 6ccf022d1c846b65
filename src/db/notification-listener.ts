import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { connectToDatabase } from './multi-host';

export interface NotificationListenerOptions {
  /**
   * Where to LISTEN: a direct connection (LISTEN is session state; PgBouncer's transaction
   * mode loses it). Several hosts: the one that takes writes (a standby hears no NOTIFY).
   */
  url: string;
  /** How long one attempt may look for that host (TOKENGATE_DB_CONNECT_TIMEOUT, default 5 s). */
  connectTimeoutMs?: number;
  channel: string;
  /** Names the connection in pg_stat_activity. */
  applicationName: string;
  /**
   * NOTIFYs `payload` on the channel the way the changes are committed (the main pool).
   * Hearing it proves the listener hears those commits: the same database, and not
   * through a pooler that drops notifications.
   */
  sendProbe: (payload: string) => Promise<void>;
  onNotification: (payload: string) => void;
  /** From now on every notification committed is heard (after a probe came back). */
  onHearing: () => void;
  /** Notifications may be missed from now on; once per run of failed attempts. */
  onDeaf: (reason: unknown) => void;
  /** A probe every this often while hearing (default 5 s)... */
  probeIntervalMs?: number;
  /** ...which must be heard within this long after its NOTIFY committed (default 1 s). */
  probeTimeoutMs?: number;
}

export interface NotificationListener { close(): Promise<void> }

/** Longest a probe's NOTIFY may take to commit (a pool this slow fails its calls anyway). */
const PROBE_SEND_TIMEOUT_MS = 5_000;

/** `work`, or an Error "<what> within <ms> ms" when it fails or takes longer. */
function withinTime<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer!: NodeJS.Timeout;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms); });
  const failed = (err: unknown) => { throw new Error(`${what} within ${ms} ms: ${err instanceof Error ? err.message : err}`); };
  return Promise.race([work.catch(failed), late]).finally(() => clearTimeout(timer));
}

/**
 * One dedicated connection (a plain pg Client, not from the pool) that LISTENs on a
 * channel. Losing it (error, end, a probe not sent or not heard) is reported at once through
 * onDeaf; it reconnects with backoff, LISTENs again, and reports onHearing only once a
 * probe sent after the LISTEN has come back. PostgreSQL delivers notifications in
 * commit order, so a heard probe also means nothing committed before it was missed.
 */
export function startNotificationListener(o: NotificationListenerOptions): NotificationListener {
  const probeIntervalMs = o.probeIntervalMs ?? 5_000;
  const probeTimeoutMs = o.probeTimeoutMs ?? 1_000;
  const probePrefix = `probe:${randomUUID()}:`; // other processes' probes start with "probe:" too
  const waitingProbes = new Map<string, () => void>();
  let client: Client | null = null;
  let hearing = false;
  let closed = false;
  let failures = 0;
  let probes = 0;
  let timer: NodeJS.Timeout | undefined;

  const later = (ms: number, work: () => void) => { clearTimeout(timer); timer = setTimeout(work, ms).unref(); };

  function lost(c: Client, reason: unknown): void {
    if (client !== c) return; // a late event of a connection already given up
    client = null;
    hearing = false;
    c.end().catch(() => {});
    retryLater(reason);
  }

  function retryLater(reason: unknown): void {
    if (failures++ === 0) o.onDeaf(reason);
    if (!closed) later(Math.min(100 * 2 ** (failures - 1), 5_000), () => void connect());
  }

  async function connect(): Promise<void> {
    let c: Client;
    try {
      c = await connectToDatabase(o.url, { application_name: o.applicationName, keepAlive: true }, o.connectTimeoutMs ?? 5_000);
    } catch (err) {
      return retryLater(err); // no host took writes within the connect timeout: still in a failover, or down
    }
    if (closed) return void c.end().catch(() => {});
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('the listener connection ended')));
    c.on('notification', ({ channel, payload }) => {
      if (channel !== o.channel || payload === undefined) return;
      if (payload.startsWith('probe:')) waitingProbes.get(payload)?.();
      else o.onNotification(payload);
    });
    try {
      await c.query(`LISTEN "${o.channel.replace(/"/g, '""')}"`);
    } catch (err) {
      return lost(c, err);
    }
    await probe(c);
  }

  async function probe(c: Client): Promise<void> {
    if (client !== c) return;
    const payload = probePrefix + probes++;
    const heard = new Promise<void>((resolve) => waitingProbes.set(payload, resolve));
    try {
      // Not sent in time: unsure whether this process still reaches the database as the
      // others do (a partition, a hung pool), so better look every credential up a while.
      await withinTime(o.sendProbe(payload), PROBE_SEND_TIMEOUT_MS, 'could not send a probe');
      await withinTime(heard, probeTimeoutMs, 'a NOTIFY committed through the pool was not heard');
    } catch (err) {
      return lost(c, err);
    } finally {
      waitingProbes.delete(payload);
    }
    if (client !== c) return;
    failures = 0;
    if (!hearing) { hearing = true; o.onHearing(); }
    later(probeIntervalMs, () => void probe(c));
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
