/**
 * Counts failures per key (a client address, a preview link) in a fixed window that opens at the key's
 * first failure, and refuses a key that reached the limit until its window closes. In memory, bounded.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 5 * 60_000,
    private readonly clock: () => number = Date.now,
    private readonly capacity = 100_000,
  ) {}

  /** Seconds until the key may try again; 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const window = this.windows.get(key);
    if (window === undefined) return 0;
    const left = window.start + this.windowMs - this.clock();
    if (left <= 0) {
      this.windows.delete(key);
      return 0;
    }
    return window.failures >= this.limit ? Math.ceil(left / 1000) : 0;
  }

  fail(key: string): void {
    const at = this.clock();
    let window = this.windows.get(key);
    if (window === undefined || window.start + this.windowMs <= at) {
      if (this.windows.size >= this.capacity) this.prune(at);
      window = { start: at, failures: 0 };
      this.windows.set(key, window);
    }
    window.failures++;
  }

  private prune(at: number): void {
    for (const [key, window] of this.windows) if (window.start + this.windowMs <= at) this.windows.delete(key);
    // Still full: forget the oldest half rather than grow without bound.
    if (this.windows.size >= this.capacity) for (const key of [...this.windows.keys()].slice(0, this.capacity / 2)) this.windows.delete(key);
  }
}
