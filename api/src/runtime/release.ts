import type { LogStore } from '../logs/log-store';
import { abortReason } from './abort-reason';
import { waitHealthy, type HealthCheck } from './health-check';
import type { Instance, Launcher } from './instance';

export type ReleaseState = 'crashed' | 'recovered';

/** A release that serves, wherever it runs: where the preview proxy forwards to, and how this stagingd lets go of it. */
export interface ServingRelease {
  readonly upstream: { host: string; port: number };
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

const backoffMs = [1000, 2000, 4000, 8000, 16000, 30000];

/**
 * One running release of a deployment, however it runs (a process group or a container): started and
 * checked healthy, then supervised: a crash after it was healthy is reported and restarted with backoff.
 */
export class Release implements ServingRelease {
  private instance: Instance | undefined;
  private stopping = false;
  private restarts = 0;

  private constructor(
    private readonly deploymentId: string,
    private readonly launcher: Launcher,
    private readonly health: HealthCheck,
    private readonly logs: LogStore,
    private readonly onState: (state: ReleaseState, detail: string) => void,
  ) {}

  get port(): number {
    return this.launcher.port;
  }

  /** On this machine's loopback, the port its launcher chose. */
  get upstream(): { host: string; port: number } {
    return { host: '127.0.0.1', port: this.launcher.port };
  }

  get pid(): number | undefined {
    return this.instance?.pid;
  }

  /**
   * Starts it and waits for its health check: the release, or why it failed or was cancelled (`signal`), and then
   * nothing runs.
   */
  static async start(
    deploymentId: string,
    launcher: Launcher,
    health: HealthCheck,
    logs: LogStore,
    onState: (state: ReleaseState, detail: string) => void,
    signal?: AbortSignal,
  ): Promise<Release | { failure: string }> {
    const release = new Release(deploymentId, launcher, health, logs, onState);
    const limits = launcher.describeLimits();
    if (limits) logs.append(deploymentId, 'system', limits);
    const failure = await release.launch(signal);
    if (failure) {
      await release.stop();
      return { failure };
    }
    release.supervise();
    return release;
  }

  private async launch(signal?: AbortSignal): Promise<string | undefined> {
    if (signal?.aborted) return abortReason(signal);
    let instance: Instance;
    try {
      instance = await this.launcher.launch();
    } catch (error) {
      return `it could not be started: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.instance = instance;
    let death: string | undefined;
    void instance.ended.then((why) => (death = `${why} before it was healthy`));
    this.logs.append(this.deploymentId, 'system', `Waiting for ${this.health.path} on port ${this.port}`);
    return waitHealthy(this.port, this.health, () => death ?? (signal?.aborted ? abortReason(signal) : undefined), signal);
  }

  private supervise(): void {
    const instance = this.instance;
    if (!instance) return;
    void instance.ended.then(async (why) => {
      if (this.stopping || this.instance !== instance) return;
      const delay = backoffMs[Math.min(this.restarts, backoffMs.length - 1)]!;
      this.restarts++;
      this.logs.append(this.deploymentId, 'system', `${why}; restarting in ${delay / 1000} s`);
      this.onState('crashed', why);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.stopping) return;
      const failure = await this.launch();
      if (this.stopping) return;
      if (failure) {
        this.logs.append(this.deploymentId, 'system', `Restart failed: ${failure}`);
        // Stopping the unhealthy run ends it, which schedules the next attempt.
        this.supervise();
        await this.instance?.stop();
        return;
      }
      this.onState('recovered', `restarted after: ${why}`);
      this.supervise();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.instance?.stop();
    await this.launcher.dispose();
  }
}
