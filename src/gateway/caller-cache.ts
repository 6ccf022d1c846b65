import { callerLabel, systemClock, type Caller, type Clock, type FoundCaller } from '../contract/method';

export interface CallerCacheOptions {
  /** Entries kept at most; the oldest go first. */
  maxEntries: number;
  /** How long an entry is trusted at most, even if no change is heard (a second line of defence). */
  ttlMs: number;
  /** Every lookup's outcome, for metrics: served from memory, looked up, or looked up because the cache is not trusted. */
  onLookup?: (outcome: 'hit' | 'miss' | 'bypass') => void;
  /** Where entries read the time (their ends); the system clock unless a test brings its own. */
  clock?: Clock;
}

interface Entry { caller: Caller; subject: string; until: number }

/**
 * Callers whose credential was found valid, keyed by a memory key of the credential (never
 * the secret), so a repeated credential costs no database round trip (SPEC §9).
 *
 * It serves entries only while trusted: something that hears every change to the
 * credentials (the app wires PostgreSQL LISTEN/NOTIFY) calls forget(subject) for each,
 * and distrust() the moment it may have missed one; entries are then dropped and every
 * lookup goes to the database until trust() again. Only successes are kept: a failure
 * is always looked up, so failed-credential limits count exactly as without a cache.
 * An entry ends at its credential's own expiry or after the TTL, whichever is first.
 */
export class CallerCache {
  private readonly entries = new Map<string, Entry>();
  private readonly keysBySubject = new Map<string, Set<string>>();
  /** Moves on every forget/distrust: a lookup that raced one of them is not remembered. */
  private generation = 0;
  private trusted = false;

  private readonly clock: Clock;

  constructor(private readonly options: CallerCacheOptions) {
    this.clock = options.clock ?? systemClock;
  }

  get isTrusted(): boolean { return this.trusted; }
  get size(): number { return this.entries.size; }

  /** The caller for `key`: from memory when trusted and fresh, else from `find` (remembered when found). */
  async resolve(key: string, find: () => Promise<FoundCaller | null>): Promise<Caller | null> {
    if (this.trusted) {
      const entry = this.entries.get(key);
      if (entry && this.clock.now() < entry.until) {
        this.options.onLookup?.('hit');
        return entry.caller;
      }
      if (entry) this.drop(key, entry);
    }
    this.options.onLookup?.(this.trusted ? 'miss' : 'bypass');
    const generation = this.generation;
    const found = await find();
    // A change heard while the database answered may or may not be in that answer: not kept.
    if (found && this.trusted && generation === this.generation) this.remember(key, found);
    return found?.caller ?? null;
  }

  /** The credentials of `subject` (a caller label, `apikey:<id>` / `device:<uuid>`) changed; `*`: any may have. */
  forget(subject: string): void {
    this.generation++;
    if (subject === '*') return this.clear();
    for (const key of this.keysBySubject.get(subject) ?? []) this.entries.delete(key);
    this.keysBySubject.delete(subject);
  }

  /** Changes may go unheard (the listener is gone): drop everything and serve nothing until trust(). */
  distrust(): void {
    this.trusted = false;
    this.forget('*');
  }

  /** Every change from now on will be heard. */
  trust(): void {
    this.generation++;
    this.trusted = true;
  }

  private remember(key: string, found: FoundCaller): void {
    const ttlEnd = this.clock.now() + this.options.ttlMs;
    const until = found.expiresAt ? Math.min(found.expiresAt.getTime(), ttlEnd) : ttlEnd;
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    while (this.entries.size >= this.options.maxEntries && this.entries.size > 0) {
      const [oldestKey, oldest] = this.entries.entries().next().value!;
      this.drop(oldestKey, oldest);
    }
    const subject = callerLabel(found.caller);
    this.entries.set(key, { caller: found.caller, subject, until });
    let keys = this.keysBySubject.get(subject);
    if (!keys) this.keysBySubject.set(subject, keys = new Set());
    keys.add(key);
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    const keys = this.keysBySubject.get(entry.subject);
    keys?.delete(key);
    if (keys?.size === 0) this.keysBySubject.delete(entry.subject);
  }

  private clear(): void {
    this.entries.clear();
    this.keysBySubject.clear();
  }
}
