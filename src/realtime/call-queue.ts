/**
 * One socket's calls: up to `maxInFlight` run at once, up to `maxQueued` more wait in
 * arrival order, and beyond that a call is refused at once. So one flooding client
 * holds at most maxInFlight of the database pool and a bounded amount of memory,
 * whatever it sends; everyone else's calls keep their turn in the pool.
 */
export class CallQueue {
  private running = 0;
  private readonly waiting: Array<() => Promise<void>> = [];
  private readonly idleWaiters: Array<() => void> = [];

  constructor(private readonly maxInFlight: number, private readonly maxQueued: number) {}

  /** Runs `work` now or when a slot frees; false (and `work` never runs) when the queue is full. */
  offer(work: () => Promise<void>): boolean {
    if (this.running < this.maxInFlight) {
      this.start(work);
      return true;
    }
    if (this.waiting.length >= this.maxQueued) return false;
    this.waiting.push(work);
    return true;
  }

  get busy(): boolean {
    return this.running > 0;
  }

  /** Drops what has not started yet (the socket is gone); running calls finish. */
  clear(): void {
    this.waiting.length = 0;
    this.settle();
  }

  /** Resolves once nothing runs or waits. */
  idle(): Promise<void> {
    if (!this.running && !this.waiting.length) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private start(work: () => Promise<void>): void {
    this.running++;
    // `work` answers its own errors; a rejection here would be a bug, and must not stall the queue.
    void work().catch(() => {}).finally(() => {
      this.running--;
      const next = this.waiting.shift();
      if (next) this.start(next);
      else this.settle();
    });
  }

  private settle(): void {
    if (this.running || this.waiting.length) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
