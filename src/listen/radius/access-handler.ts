import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ServerKeys } from '../../contract/method';
import type { Db } from '../../db';
import { usernameKey } from '../../domain/names/username-key';
import { AppError, E, isAppError, isDatabaseUnavailable } from '../../errors';
import { countRadiusDrop, countRadiusReply, countRadiusRetransmission } from '../../http/metrics';
import {
  CODES, decodeRequest, encodeReply, RadiusDropError, RadiusRequest, readHeader, ReplyCode,
} from '../../protocols/radius/codec';
import type { Pipeline } from '../../gateway/pipeline';
import { verifyUserPassword } from '../../services/auth/verify-password';
import type { UserResolver } from '../../services/directory/user-resolver';
import type { UserRef } from '../../services/directory/refs';
import type { RateLimit } from '../../services/rate-limit';
import type { RadiusClientRow, RadiusTransport } from '../../services/radius/radius-clients';
import { BoundedCache } from '../../domain/bounded-cache';
import type { RadiusClientTable } from './client-table';

export interface PacketSource { address: string; port: number; transport: Exclude<RadiusTransport, 'any'> }

/** A challenge in flight (SPEC §10): single use, 120 s, that client and that user. */
interface ChallengeState { clientId: string; user: string; userId: string; tokenIds: string[] }

export interface RadiusHandlerDeps {
  db: Db;
  keys: ServerKeys;
  users: UserResolver;
  /** The gateway pipeline's recording of a finished call: the audit row, the log line, the call metrics. */
  record: Pipeline['record'];
  log: Logger;
  clients: Pick<RadiusClientTable, 'find'>;
  failuresPerUser: RateLimit | null;
  /** Verifications of one client running at once; more are dropped (a NAS in a retry storm must not starve the others). */
  maxInFlightPerClient: number;
  /** Entries of the retransmission cache and of the challenge States (each). */
  maxEntries: number;
  now?: () => number;
}

const CHALLENGE_TTL_MS = 120_000;
const RETRANSMISSION_TTL_MS = 30_000;
const DROP_AUDIT_INTERVAL_MS = 60_000;

/**
 * The RADIUS adapter (SPEC §10): a packet and where it came from in, the reply bytes out
 * (null: dropped, counted). It finds the client, answers retransmissions from the cache,
 * decodes, maps an Access-Request onto the verify service (services/auth), and encodes
 * the answer. No rule of verification lives here.
 */
export function createRadiusHandler(deps: RadiusHandlerDeps) {
  const now = deps.now ?? Date.now;
  const retransmissions = new BoundedCache<string, Promise<Buffer | null>>(deps.maxEntries, RETRANSMISSION_TTL_MS, now);
  const states = new BoundedCache<string, ChallengeState>(deps.maxEntries, CHALLENGE_TTL_MS, now);
  const dropsAudited = new BoundedCache<string, true>(deps.maxEntries, DROP_AUDIT_INTERVAL_MS, now);
  const inFlight = new Map<string, number>();

  /** `started`: performance.now() when the packet came in. */
  function drop(from: PacketSource, started: number, client: RadiusClientRow | undefined, reason: string): null {
    countRadiusDrop(reason);
    // audited at most once a minute per address: a flood does not become an audit flood
    if (!dropsAudited.get(from.address)) {
      dropsAudited.set(from.address, true);
      void deps.record({
        name: 'radius/drop', caller: client ? `radius:${client.name}` : null, outcome: 'error', errorName: reason,
        started, details: { source: `${from.address}:${from.port}`, transport: from.transport },
      });
    }
    return null;
  }

  async function handle(packet: Buffer, from: PacketSource): Promise<Buffer | null> {
    const started = performance.now();
    let header;
    try {
      header = readHeader(packet);
    } catch {
      return drop(from, started, undefined, 'malformed');
    }
    let client: RadiusClientRow | undefined;
    try {
      client = await deps.clients.find(from.address);
    } catch (err) {
      return drop(from, started, undefined, databaseDown(err) ? 'database_unavailable' : 'internal');
    }
    if (!client) return drop(from, started, undefined, 'unknown_client');
    if (client.transport !== 'any' && client.transport !== from.transport) return drop(from, started, client, 'wrong_transport');
    // Accounting, CoA, …: not decoded (each code signs its packet its own way)
    if (header.code !== CODES.ACCESS_REQUEST && header.code !== CODES.STATUS_SERVER) return drop(from, started, client, 'unsupported_code');

    // RFC 5080 §2.2.2: the same source, Identifier and Request Authenticator within 30 s is a retransmission
    const key = `${from.transport}|${from.address}|${from.port}|${header.identifier}|${header.authenticator.toString('hex')}`;
    const earlier = retransmissions.get(key);
    if (earlier) {
      countRadiusRetransmission();
      return earlier;
    }
    let request: RadiusRequest;
    try {
      request = decodeRequest(packet, secretOf(client, from));
    } catch (err) {
      return drop(from, started, client, err instanceof RadiusDropError ? err.reason : 'malformed');
    }
    if (request.code === CODES.STATUS_SERVER) {
      // RFC 5997 §3: a Status-Server without a Message-Authenticator is dropped
      if (!request.hasMessageAuthenticator) return drop(from, started, client, 'missing_message_authenticator');
      return reply(request, secretOf(client, from), 'Access-Accept', []);
    }
    if (client.requireMessageAuthenticator && !request.hasMessageAuthenticator) return drop(from, started, client, 'missing_message_authenticator');
    const running = inFlight.get(client.id) ?? 0;
    if (running >= deps.maxInFlightPerClient) return drop(from, started, client, 'overloaded');

    inFlight.set(client.id, running + 1);
    const answer = access(request, client, from, started).finally(() => {
      const left = (inFlight.get(client.id) ?? 1) - 1;
      if (left > 0) inFlight.set(client.id, left); else inFlight.delete(client.id);
    });
    retransmissions.set(key, answer);
    // a dropped request (the database down) is answered afresh when the NAS tries again
    void answer.then((bytes) => { if (bytes === null) retransmissions.delete(key); }, () => retransmissions.delete(key));
    return answer;
  }

  async function access(request: RadiusRequest, client: RadiusClientRow, from: PacketSource, started: number): Promise<Buffer | null> {
    const secret = secretOf(client, from);
    const userName = request.attributes['User-Name'];
    const password = request.attributes['User-Password'];
    const ref = typeof userName === 'string' ? userRefOf(client, userName) : null;
    const user = ref ? `${ref.domain!.name}/${ref.loginName}` : undefined;
    const details = nasDetails(request);
    /** Every answer is audited, then encoded; a Reject carries the same attributes whatever was wrong. */
    const answer = async (code: ReplyCode, errorName?: string, attributes: [string, string | Buffer][] = []) => {
      await deps.record({
        name: 'radius/access', caller: `radius:${client.name}`, target: user, outcome: errorName ? 'error' : 'ok', errorName,
        started, details: { ...details, reply: code },
      });
      return reply(request, secret, code, attributes);
    };

    if (!ref || typeof password !== 'string' || password === '') return answer('Access-Reject', E.AUTH_FAILED.name);
    const stateAttribute = request.attributes.State;
    let pinChecked: ChallengeState | undefined;
    if (stateAttribute !== undefined) {
      pinChecked = Buffer.isBuffer(stateAttribute) ? states.take(stateAttribute.toString('hex')) : undefined;
      if (!pinChecked || pinChecked.clientId !== client.id || pinChecked.user !== userKey(ref)) return answer('Access-Reject', E.AUTH_FAILED.name);
    }
    try {
      const outcome = await verifyUserPassword(deps.db, deps.keys, deps.users, ref, password, deps.failuresPerUser, pinChecked);
      if (!('pinOnly' in outcome)) return await answer('Access-Accept');
      const state = randomBytes(16);
      states.set(state.toString('hex'), { clientId: client.id, user: userKey(ref), userId: outcome.userId, tokenIds: outcome.tokenIds });
      return await answer('Access-Challenge', undefined, [['State', state], ['Reply-Message', 'Enter the one-time password']]);
    } catch (err) {
      if (databaseDown(err)) return drop(from, started, client, 'database_unavailable'); // the NAS asks its next server
      if (!isAppError(err)) {
        deps.log.error({ err }, 'radius: verification failed unexpectedly');
        return drop(from, started, client, 'internal');
      }
      return answer('Access-Reject', err.errorName);
    }
  }

  /** RFC 6614 §2.3: over TLS the shared secret is "radsec". */
  const secretOf = (client: RadiusClientRow, from: PacketSource) => (from.transport === 'radsec' ? 'radsec' : client.secret);

  function reply(request: RadiusRequest, secret: string, code: ReplyCode, attributes: [string, string | Buffer][]): Buffer {
    countRadiusReply(code);
    return encodeReply(request, code, attributes, secret);
  }

  return { handle, retransmissions, states };
}

/**
 * User-Name → the user (SPEC §10). A client with a domain answers for it only: `login` or
 * `login@<its domain>`; anything else is looked up as a whole login in that domain (so
 * e-mail-shaped logins work and another domain is never reached). A client without one
 * needs `login@domain`.
 */
function userRefOf(client: Pick<RadiusClientRow, 'domain'>, userName: string): UserRef | null {
  const at = userName.lastIndexOf('@');
  if (client.domain) {
    if (at > 0 && usernameKey(userName.slice(at + 1)) === usernameKey(client.domain)) {
      return { domain: { name: client.domain }, loginName: userName.slice(0, at) };
    }
    return { domain: { name: client.domain }, loginName: userName };
  }
  if (at <= 0 || at === userName.length - 1) return null;
  return { domain: { name: userName.slice(at + 1) }, loginName: userName.slice(0, at) };
}

function userKey(ref: UserRef): string {
  return `${usernameKey(ref.domain!.name!)}/${usernameKey(ref.loginName!)}`;
}

function nasDetails(request: RadiusRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of ['NAS-IP-Address', 'NAS-Identifier', 'Calling-Station-Id']) {
    const value = request.attributes[name];
    if (typeof value === 'string') out[name] = value.slice(0, 200);
  }
  return out;
}

function databaseDown(err: unknown): boolean {
  return isDatabaseUnavailable(err) || (err instanceof AppError && err.errorName === E.SERVICE_UNAVAILABLE.name);
}
