/**
 * A map with a size cap and an age limit: the oldest entry goes when a new one would pass
 * the cap, and an entry older than its ttl (`ttlMs` unless set with its own) is gone.
 * Memory stays bounded under a flood of distinct keys (RADIUS retransmissions and
 * challenge States, the user resolver's names). The clock is injected.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();

  constructor(readonly maxEntries: number, private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get size(): number { return this.entries.size; }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** get, and the entry is gone (single use). */
  take(key: K): V | undefined {
    const value = this.get(key);
    this.entries.delete(key);
    return value;
  }

  set(key: K, value: V, ttlMs = this.ttlMs): void {
    this.entries.delete(key); // re-inserted at the young end
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
    // Map iterates in insertion order: the first keys are the oldest
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
  }

  delete(key: K): void { this.entries.delete(key); }

  /** Every entry whose key `matches` is gone. */
  deleteWhere(matches: (key: K) => boolean): void {
    for (const key of this.entries.keys()) if (matches(key)) this.entries.delete(key);
  }

  clear(): void { this.entries.clear(); }
}
