import type { ServerLog } from '../logs/server-log';
import type { ReplicaStore } from '../store/replicas';

/** A service whose work a silent replica may have left: deployments, syncs, check runs, cleanups. */
export interface TakesOver {
  /** Claims the silent replica's work for this one and settles it; how much there was. */
  takeOver(silent: string): Promise<number>;
}

export interface ReplicaTimings {
  /** How often a replica says it is alive. */
  beatMs: number;
  /** How long a replica may be silent before its work is taken over. */
  silentMs: number;
}

export const replicaTimings: ReplicaTimings = { beatMs: 2000, silentMs: 6000 };

/**
 * Keeps this replica's heartbeat in the store and takes over the work of replicas that fell silent (killed, or cut
 * off). A replica that finds its own record gone was taken for dead while it was only slow: its work belongs to
 * another now, so it must stop (`lost`) rather than carry on beside it.
 */
export class ReplicaWatch {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private closed = false;
  private services: readonly TakesOver[] = [];

  constructor(
    private readonly replicas: ReplicaStore,
    private readonly log: ServerLog,
    private readonly lost: () => void,
    private readonly timings: ReplicaTimings = replicaTimings,
  ) {}

  /** Beats from now on (first thing at start: a slow start must not look like a dead replica). */
  async start(): Promise<void> {
    await this.replicas.beat();
    this.timer = setInterval(() => {
      this.round = this.round.then(() => this.tick());
    }, this.timings.beatMs);
    this.timer.unref();
  }

  /** Takes over silent replicas' work from now on, for these services (once they have recovered their own). */
  takeOverFor(services: readonly TakesOver[]): void {
    this.services = services;
  }

  private async tick(): Promise<void> {
    if (this.closed) return;
    try {
      if (!(await this.replicas.beat())) {
        this.log(`this replica (${this.replicas.id}) was silent for over ${this.timings.silentMs} ms and its work was taken over: stopping`, 'error');
        this.closed = true;
        this.lost();
        return;
      }
      if (this.services.length === 0) return;
      const before = new Date(Date.now() - this.timings.silentMs).toISOString();
      for (const silent of await this.replicas.silent(before)) {
        let claimed = 0;
        for (const service of this.services) claimed += await service.takeOver(silent);
        await this.replicas.forget(silent);
        this.log(
          `replica ${silent} fell silent: took over what it ran (${claimed} deployment${claimed === 1 ? '' : 's'}, syncs, runs or cleanups)`,
          claimed > 0 ? 'warn' : 'info',
        );
      }
    } catch (error) {
      // The store is out of reach: try again at the next beat.
      this.log(`replica heartbeat: ${(error as Error).message}`, 'warn');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.round;
  }
}
