/**
 * A controller's work queue: keys added while a sync is pending are synced once, on a later turn of the event
 * loop (as client-go's rate-limited queue coalesces them), never inside the write that triggered them.
 */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled: NodeJS.Immediate | undefined;
  private closed = false;

  constructor(private readonly sync: (key: string) => void) {}

  add(key: string): void {
    if (this.closed) return;
    this.pending.add(key);
    this.scheduled ??= setImmediate(() => this.drain());
  }

  private drain(): void {
    this.scheduled = undefined;
    const keys = [...this.pending];
    this.pending.clear();
    for (const key of keys) {
      try {
        this.sync(key);
      } catch (error) {
        // A conflict or a vanished object: the next change requeues it, as a controller retries.
        if (!(error instanceof Error && 'status' in error)) throw error;
      }
    }
  }

  close(): void {
    this.closed = true;
    if (this.scheduled) clearImmediate(this.scheduled);
  }
}
