/**
 * A first-come-first-served lock whose shared holders run together and whose exclusive holders run alone: a
 * waiting exclusive task holds back the shared tasks that come after it, so it is never starved.
 */
export class SharedExclusiveLock {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private readonly waiting: { exclusive: boolean; start: () => void }[] = [];

  shared<T>(task: () => Promise<T>): Promise<T> {
    return this.hold(false, task);
  }

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.hold(true, task);
  }

  private async hold<T>(exclusive: boolean, task: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.waiting.push({ exclusive, start });
      this.admit();
    });
    try {
      return await task();
    } finally {
      if (exclusive) this.exclusiveHeld = false;
      else this.sharedHolders--;
      this.admit();
    }
  }

  private admit(): void {
    for (let next = this.waiting[0]; next && !this.exclusiveHeld; next = this.waiting[0]) {
      if (next.exclusive) {
        if (this.sharedHolders > 0) return;
        this.exclusiveHeld = true;
      } else {
        this.sharedHolders++;
      }
      this.waiting.shift();
      next.start();
    }
  }
}
