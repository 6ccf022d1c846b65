import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Database } from '../db';
import type { CallRecord } from '../gateway/pipeline';

/**
 * Prometheus metrics: calls by method and outcome, latency, the pool. (Rows moved by
 * imports and batch assignments are in their replies and the audit log, not here.)
 */
export const metricsRegistry = new Registry();

const calls = new Counter({
  name: 'tokengate_calls_total', help: 'Method calls by method, outcome and error name',
  labelNames: ['method', 'outcome', 'error'] as const, registers: [metricsRegistry],
});
const latency = new Histogram({
  name: 'tokengate_call_duration_seconds', help: 'Method call latency, pipeline included',
  labelNames: ['method'] as const, registers: [metricsRegistry],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
});

const cacheLookups = new Counter({
  name: 'tokengate_credential_cache_lookups_total',
  help: 'Credential checks: hit (served from the cache), miss (looked up, then cached), bypass (looked up: the cache is not trusted)',
  labelNames: ['outcome'] as const, registers: [metricsRegistry],
});
const lookupCounters = { hit: cacheLookups.labels('hit'), miss: cacheLookups.labels('miss'), bypass: cacheLookups.labels('bypass') };

export function countCredentialLookup(outcome: 'hit' | 'miss' | 'bypass'): void {
  lookupCounters[outcome].inc();
}

let credentialCache: { isTrusted: boolean; size: number } | undefined;
new Gauge({
  name: 'tokengate_credential_cache_trusted', help: '1 while the credential cache hears revocations and serves its entries',
  registers: [metricsRegistry], collect() { if (credentialCache) this.set(credentialCache.isTrusted ? 1 : 0); },
});
new Gauge({
  name: 'tokengate_credential_cache_entries', help: 'Callers held by the credential cache',
  registers: [metricsRegistry], collect() { if (credentialCache) this.set(credentialCache.size); },
});

/** The process's credential cache, for the two gauges above (one server per process). */
export function observeCredentialCache(cache: { isTrusted: boolean; size: number }): void {
  credentialCache = cache;
}

export function observeCall(record: CallRecord): void {
  // Unknown method names come from clients: bucket them so labels stay bounded.
  const method = record.errorName === 'METHOD_NOT_FOUND' ? 'unknown' : record.method;
  calls.inc({ method, outcome: record.outcome, error: record.errorName ?? '' });
  latency.observe({ method }, record.durationMs / 1000);
}

export function observePool(dataSource: Database): void {
  new Gauge({
    name: 'tokengate_db_pool_connections', help: 'PostgreSQL pool connections by state',
    labelNames: ['state'] as const, registers: [metricsRegistry],
    collect() {
      const p = dataSource.poolStats();
      this.set({ state: 'total' }, p.total);
      this.set({ state: 'idle' }, p.idle);
      this.set({ state: 'waiting' }, p.waiting);
    },
  });
}

const radiusReplies = new Counter({
  name: 'tokengate_radius_requests_total', help: 'RADIUS / RadSec requests answered, by reply code (Access-Accept, Access-Reject, Access-Challenge)',
  labelNames: ['code'] as const, registers: [metricsRegistry],
});
const radiusDrops = new Counter({
  name: 'tokengate_radius_dropped_total',
  help: 'RADIUS / RadSec packets dropped without a reply, by reason (unknown_client, wrong_transport, malformed, bad_authenticator, missing_message_authenticator, unsupported_code, overloaded, database_unavailable, internal)',
  labelNames: ['reason'] as const, registers: [metricsRegistry],
});
const radiusRetransmissions = new Counter({
  name: 'tokengate_radius_retransmissions_total', help: 'RADIUS retransmissions answered from the retransmission cache (RFC 5080), not verified again',
  registers: [metricsRegistry],
});

export function countRadiusReply(code: string): void { radiusReplies.inc({ code }); }
export function countRadiusDrop(reason: string): void { radiusDrops.inc({ reason }); }
export function countRadiusRetransmission(): void { radiusRetransmissions.inc(); }
