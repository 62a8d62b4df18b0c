/**
 * How many syncs run at once in one stagingd: each holds about six connections to production (the snapshot, four
 * readers, pg_dump) and a rewrite thread per CPU, so thirty branch environments on one schedule must not all start
 * together. The rest wait, queued, in order; a cancelled one leaves the line.
 */
export class SyncSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.running >= this.size) {
      await new Promise<void>((resolve, reject) => {
        const turn = (): void => {
          signal.removeEventListener('abort', leave);
          resolve();
        };
        const leave = (): void => {
          this.waiting.splice(this.waiting.indexOf(turn), 1);
          reject(signal.reason as Error);
        };
        this.waiting.push(turn);
        signal.addEventListener('abort', leave, { once: true });
      });
    } else this.running++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next in line.
      if (next) next();
      else this.running--;
    };
  }
}
