import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export interface NotificationListenerOptions {
  /** Where to LISTEN: a direct connection (LISTEN is session state; PgBouncer's transaction mode loses it). */
  url: string;
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

/**
 * One dedicated connection (a plain pg Client, not from the pool) that LISTENs on a
 * channel. Losing it (error, end, a probe not heard) is reported at once through
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
    if (failures++ === 0) o.onDeaf(reason);
    if (!closed) later(Math.min(100 * 2 ** (failures - 1), 5_000), () => void connect());
  }

  async function connect(): Promise<void> {
    const c = new Client({ connectionString: o.url, application_name: o.applicationName, keepAlive: true, connectionTimeoutMillis: 5_000 });
    client = c;
    c.on('error', (err) => lost(c, err));
    c.on('end', () => lost(c, new Error('the listener connection ended')));
    c.on('notification', ({ channel, payload }) => {
      if (channel !== o.channel || payload === undefined) return;
      if (payload.startsWith('probe:')) waitingProbes.get(payload)?.();
      else o.onNotification(payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN "${o.channel.replace(/"/g, '""')}"`);
    } catch (err) {
      return lost(c, err);
    }
    await probe(c);
  }

  async function probe(c: Client): Promise<void> {
    if (client !== c) return;
    const payload = probePrefix + probes++;
    let heard!: () => void;
    const wasHeard = new Promise<void>((resolve) => { heard = resolve; });
    waitingProbes.set(payload, heard);
    try {
      try {
        await o.sendProbe(payload);
      } catch {
        // The pool's trouble (the database is down, the pool is full), not the listener's:
        // its own connection reports its loss itself.
        return later(probeIntervalMs, () => void probe(c));
      }
      let expire!: NodeJS.Timeout;
      const ok = await Promise.race([
        wasHeard.then(() => true),
        new Promise<boolean>((resolve) => { expire = setTimeout(() => resolve(false), probeTimeoutMs); }),
      ]);
      clearTimeout(expire);
      if (client !== c) return;
      if (!ok) return lost(c, new Error(`a NOTIFY committed through the pool was not heard within ${probeTimeoutMs} ms`));
      failures = 0;
      if (!hearing) { hearing = true; o.onHearing(); }
      later(probeIntervalMs, () => void probe(c));
    } finally {
      waitingProbes.delete(payload);
    }
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
