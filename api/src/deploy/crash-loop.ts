/** Crashes within the window that make a crash loop. */
const CRASHES = 3;
const WINDOW_MS = 5 * 60_000;

/**
 * Tells a live release that keeps crashing (three crashes within five minutes, each restarted with backoff) from
 * one that crashed once: the first is rolled back to the release before it instead of being restarted forever.
 */
export class CrashLoopWatch {
  private readonly crashes = new Map<string, number[]>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** Records a crash of the deployment's release; the crashes in the window when that makes a loop, else undefined. */
  crashed(deploymentId: string): { count: number; seconds: number } | undefined {
    const at = this.clock();
    const recent = [...(this.crashes.get(deploymentId) ?? []), at].filter((time) => time > at - WINDOW_MS);
    this.crashes.set(deploymentId, recent);
    if (recent.length < CRASHES) return undefined;
    this.crashes.delete(deploymentId);
    return { count: recent.length, seconds: Math.max(1, Math.round((at - recent[0]!) / 1000)) };
  }

  forget(deploymentId: string): void {
    this.crashes.delete(deploymentId);
  }
}
