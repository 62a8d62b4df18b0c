/**
 * Runs `work` now, or once more after the run in progress when asked meanwhile: any number of calls during a run
 * coalesce into one more, and runs never overlap, so what they post stays in order.
 */
export class CoalescedRun {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly work: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.work();
      } while (this.again);
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  /** The run in progress, if any. */
  get current(): Promise<void> | undefined {
    return this.running;
  }
}
