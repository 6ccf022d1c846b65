import type { Logger } from 'pino';
import type { UserResolver } from '../../services/directory/user-resolver';
import type { ServerKeys } from '../../contract/method';
import type { Db } from '../../db';
import type { Pipeline } from '../../gateway/pipeline';
import type { RateLimit } from '../../services/rate-limit';
import { loadRadiusClients } from '../../services/radius/radius-clients';
import { createRadiusHandler } from './access-handler';
import { RadiusClientTable } from './client-table';
import { listenRadsec, RadsecFiles } from './radsec-listener';
import { listenUdp } from './udp-listener';

export interface RadiusSettings {
  host: string;
  /** undefined: no UDP listener */
  port?: number;
  /** undefined: no RadSec listener */
  radsecPort?: number;
  radsec?: Partial<RadsecFiles>;
  maxInFlightPerClient: number;
  maxEntries: number;
  clientRefreshMs: number;
  /** Least time between two reads of the client table caused by packets from unknown addresses (default 250 ms). */
  clientMissRefreshMs?: number;
}

export interface RadiusDeps {
  db: Db; keys: ServerKeys; log: Logger; failuresPerUser: RateLimit | null;
  /** How a User-Name becomes a user, local or in a directory (the same resolver the methods use). */
  users: UserResolver;
  /** The gateway pipeline's recording of a finished call (audit row, log, metrics). */
  record: Pipeline['record'];
}

export interface RunningRadius {
  udpPort?: number;
  radsecPort?: number;
  handler: ReturnType<typeof createRadiusHandler>;
  close(): Promise<void>;
}

/** The RADIUS (UDP) and RadSec (TLS) listeners, when their ports are set; null when neither is. */
export async function startRadius(settings: RadiusSettings, deps: RadiusDeps): Promise<RunningRadius | null> {
  if (settings.port === undefined && settings.radsecPort === undefined) return null;
  const clients = new RadiusClientTable(() => loadRadiusClients(deps.db, deps.keys.masterKey), {
    refreshMs: settings.clientRefreshMs, missRefreshMs: settings.clientMissRefreshMs ?? 250, onError: (err) => deps.log.warn({ err }, 'radius: the client table could not be read'),
  });
  await clients.start();
  const handler = createRadiusHandler({
    ...deps, clients, maxInFlightPerClient: settings.maxInFlightPerClient, maxEntries: settings.maxEntries,
  });
  const onError = (err: unknown) => deps.log.error({ err }, 'radius listener error');
  const closers: (() => Promise<void>)[] = [];
  const running: RunningRadius = { handler, close: async () => { clients.stop(); await Promise.all(closers.map((c) => c())); } };
  try {
    if (settings.port !== undefined) {
      const udp = await listenUdp(settings.host, settings.port, handler.handle, onError);
      closers.push(udp.close);
      running.udpPort = udp.port;
    }
    if (settings.radsecPort !== undefined) {
      const { cert, key, ca } = settings.radsec ?? {};
      if (!cert || !key || !ca) throw new Error('TOKENGATE_RADSEC_PORT needs TOKENGATE_RADSEC_CERT, TOKENGATE_RADSEC_KEY and TOKENGATE_RADSEC_CA');
      const tls = await listenRadsec(settings.host, settings.radsecPort, { cert, key, ca }, handler.handle, onError);
      closers.push(tls.close);
      running.radsecPort = tls.port;
    }
  } catch (err) {
    await running.close();
    throw err;
  }
  return running;
}
