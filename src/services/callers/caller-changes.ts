import type { Database } from '../../db';
import type { Logger } from 'pino';
import { NotificationListener, startNotificationListener } from '../../db/notification-listener';

/** Where the database announces changed credentials (migration 1764130000011's triggers). */
export const CALLERS_CHANNEL = 'tokengate_callers';

/** What hears of changed callers: the gateway's CallerCache. */
export interface CallerChangeSink {
  forget(subject: string): void;
  trust(): void;
  distrust(): void;
}

/**
 * Keeps a cache of callers honest across processes: every revocation, reset or
 * unregistration committed anywhere reaches it within milliseconds (`apikey:<id>`,
 * `device:<uuid>` or `*`), and it is trusted only while its listener hears them.
 */
export function followCallerChanges(
  sink: CallerChangeSink,
  o: { listenUrl: string; connectTimeoutMs?: number; dataSource: Database; log: Logger; probeIntervalMs?: number },
): NotificationListener {
  return startNotificationListener({
    url: o.listenUrl,
    connectTimeoutMs: o.connectTimeoutMs,
    channel: CALLERS_CHANNEL,
    applicationName: 'tokengate-listener',
    probeIntervalMs: o.probeIntervalMs,
    sendProbe: async (payload) => { await o.dataSource.rows('SELECT pg_notify($1, $2)', [CALLERS_CHANNEL, payload]); },
    onNotification: (subject) => sink.forget(subject),
    onHearing: () => {
      sink.trust();
      o.log.info('credential cache: hearing revocations, caching callers');
    },
    onDeaf: (err) => {
      sink.distrust();
      o.log.warn({ err }, 'credential cache: cannot hear revocations (see TOKENGATE_LISTEN_URL); every credential is looked up until it can');
    },
  });
}
