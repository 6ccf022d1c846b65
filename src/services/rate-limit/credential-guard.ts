import type { Database } from '../../db';
import type { CredentialGuard, CredentialSource } from '../../contract/credential-guard';
import { AppError, E } from '../../errors';
import { countAttempts, RateLimit } from './rate-limit';


/** Failed checks of a device's credentials, by the gateway's login and by /device/verifyToken alike. */
export function deviceFailureBucket(uuid: string): string {
  return `auth-fail:device:${uuid.toLowerCase()}`;
}

/**
 * Limits failed credential checks per client IP and per device uuid. The counters
 * live in PostgreSQL (shared by every process); a successful check costs nothing.
 *
 * A source over its limit is refused before its credential is looked at. To keep
 * that check off the hot path, each process remembers the sources it has seen go
 * over (and until when): a process that has not seen it yet checks one more
 * credential and learns on that failure, so across P processes a source gets at
 * most limit + P checks per window.
 */
export function createCredentialGuard(
  dataSource: Database, limits: { perClientIp: RateLimit | null; perDevice: RateLimit | null },
): CredentialGuard {
  const blocked = new BlockedBuckets();
  const bucketsOf = (s: CredentialSource) => [
    ...(limits.perClientIp && !isLoopback(s.clientIp) ? [{ bucket: `auth-fail:ip:${s.clientIp}`, limit: limits.perClientIp }] : []),
    ...(limits.perDevice && s.deviceUuid ? [{ bucket: deviceFailureBucket(s.deviceUuid), limit: limits.perDevice }] : []),
  ];

  return {
    beforeCheck(source) {
      const retryAfter = Math.max(0, ...bucketsOf(source).map((b) => blocked.secondsLeft(b.bucket)));
      if (retryAfter > 0) throw AppError.of(E.RATE_LIMITED, { retryAfter });
    },
    async afterFailure(source) {
      const buckets = bucketsOf(source);
      const states = await countAttempts(dataSource, buckets);
      let retryAfter = 0;
      for (const state of states) {
        const { limit } = buckets.find((b) => b.bucket === state.bucket)!.limit;
        if (state.hits >= limit) blocked.add(state.bucket, state.retryAfter);
        // The attempt that uses up the limit is still answered as what it was; the next is refused.
        if (state.hits > limit) retryAfter = Math.max(retryAfter, state.retryAfter);
      }
      if (retryAfter > 0) throw AppError.of(E.RATE_LIMITED, { retryAfter });
    },
  };
}

/**
 * Local clients (health checks, the CLI, a co-located test harness) are not limited per
 * IP: a burst of their mistakes must not lock every local caller out, valid keys too.
 * Behind a local reverse proxy, TOKENGATE_TRUST_PROXY (default loopback) makes the
 * forwarded client address the one counted.
 */
export function isLoopback(ip: string): boolean {
  return /^(127\.|::1$|::ffff:127\.)/.test(ip);
}

/** Buckets known to be over their limit, until their window ends; bounded in size. */
class BlockedBuckets {
  private readonly until = new Map<string, number>();

  constructor(private readonly maxSize = 10_000) {}

  secondsLeft(bucket: string): number {
    const end = this.until.get(bucket);
    if (end === undefined) return 0;
    const left = Math.ceil((end - Date.now()) / 1000);
    if (left <= 0) this.until.delete(bucket);
    return Math.max(0, left);
  }

  add(bucket: string, seconds: number): void {
    if (this.until.size >= this.maxSize) this.evict();
    this.until.delete(bucket); // re-insert so Map order stays oldest-first
    this.until.set(bucket, Date.now() + seconds * 1000);
  }

  private evict(): void {
    const now = Date.now();
    for (const [bucket, end] of this.until) if (end <= now) this.until.delete(bucket);
    // Still full (a wide attack): forget the oldest; the database still counts them.
    for (const bucket of this.until.keys()) {
      if (this.until.size < this.maxSize) break;
      this.until.delete(bucket);
    }
  }
}
