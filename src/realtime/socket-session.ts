import { callerLabel, type Caller } from '../contract/method';
import type { Credential, CredentialCheck } from '../gateway/credentials';
import { CallQueue } from './call-queue';
import type { RealtimeSettings } from '../config';

/**
 * One socket's identity and calls. The credential is checked when the socket signs in
 * and again for every call (as over HTTP: the credential cache, else one indexed query),
 * so a revoked token, a reset root token or an unregistered device stops working on open
 * sockets within a second, whichever server process revoked it. The credential is held
 * in memory only.
 */
export class SocketSession {
  private credential: Credential | null = null;
  caller: Caller | null = null;
  /** A credential that held has stopped holding: the socket is closed after its reply. */
  lost = false;
  readonly queue: CallQueue;

  constructor(private readonly check: CredentialCheck, readonly clientIp: string, readonly baseUrl: string, settings: RealtimeSettings) {
    this.queue = new CallQueue(settings.maxInFlight, settings.maxQueued);
  }

  /** Checks `credential`; the session becomes that caller, or nobody when it is wrong. Throws RATE_LIMITED. */
  async signIn(credential: Credential): Promise<Caller | null> {
    this.signOut();
    const caller = await this.check(credential, this.clientIp);
    if (caller) {
      this.credential = credential;
      this.caller = caller;
    }
    return caller;
  }

  signOut(): void {
    this.credential = null;
    this.caller = null;
  }

  /** Who, by public id only, for log lines. */
  get who(): string | null {
    return callerLabel(this.caller);
  }

  /** The pipeline's `authenticate` for a call on this socket. */
  readonly authenticate = async (): Promise<Caller | null> => {
    if (!this.credential) return null;
    const caller = await this.check(this.credential, this.clientIp);
    if (!caller) this.lost = true;
    return caller;
  };
}

/** Open sockets of both transports together, against TOKENGATE_REALTIME_MAX_CONNECTIONS. */
export class ConnectionSlots {
  private open = 0;
  constructor(private readonly max: number) {}
  get full(): boolean { return this.open >= this.max; }
  take(): void { this.open++; }
  release(): void { this.open--; }
}

/** Calls `onIdle` after `ms` without touch(); ms 0 never. Does not keep the process alive. */
export function idleTimer(ms: number, onIdle: () => void): { touch(): void; stop(): void } {
  if (!ms) return { touch() {}, stop() {} };
  const timer = setTimeout(onIdle, ms).unref();
  return { touch: () => void timer.refresh(), stop: () => clearTimeout(timer) };
}
