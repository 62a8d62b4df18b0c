import type { ChildProcess } from 'node:child_process';
import type { LogStore } from '../logs/log-store';
import { waitHealthy, type HealthCheck } from './health-check';
import { createReleaseCgroup, type Limits, type ReleaseCgroup } from './cgroups';
import { watchMemory } from './memory-watch';
import { closed, exited, startCommand, stopGroup } from './processes';

export interface ReleaseSpec {
  deploymentId: string;
  directory: string;
  command: string;
  env: NodeJS.ProcessEnv;
  port: number;
  health: HealthCheck;
  /** Enforced by a cgroup where one can be made, otherwise memory by sampling the process group. */
  limits: Limits;
}

export type ReleaseState = 'running' | 'crashed' | 'recovered';

const backoffMs = [1000, 2000, 4000, 8000, 16000, 30000];

/**
 * One running release of a deployment: its process group, its runtime log, and a supervisor that
 * restarts it with backoff when it crashes after it was healthy.
 */
export class Release {
  private child: ChildProcess | undefined;
  private cgroup: ReleaseCgroup | undefined;
  private oomKillsAtLaunch = 0;
  private stopping = false;
  private restarts = 0;

  private constructor(
    readonly spec: ReleaseSpec,
    private readonly logs: LogStore,
    private readonly onState: (state: ReleaseState, detail: string) => void,
  ) {}

  get port(): number {
    return this.spec.port;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the process and waits for its health check: the release, or why it failed (then nothing runs). */
  static async start(spec: ReleaseSpec, logs: LogStore, onState: (state: ReleaseState, detail: string) => void): Promise<Release | { failure: string }> {
    const release = new Release(spec, logs, onState);
    release.cgroup = createReleaseCgroup(spec.deploymentId, spec.limits);
    release.describeLimits();
    const failure = await release.launch();
    if (failure) {
      await release.stop();
      return { failure };
    }
    release.supervise();
    return release;
  }

  private async launch(): Promise<string | undefined> {
    this.oomKillsAtLaunch = this.cgroup?.oomKills() ?? 0;
    const child = startCommand(this.spec.command, {
      cwd: this.spec.directory,
      env: this.spec.env,
      ...(this.cgroup ? { cgroupProcs: this.cgroup.procsFiles } : {}),
    });
    this.child = child;
    const stdout = this.logs.writer(this.spec.deploymentId, 'runtime');
    const stderr = this.logs.writer(this.spec.deploymentId, 'runtime');
    child.stdout?.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
    let death: string | undefined;
    void exited(child).then(({ code, signal }) => {
      death = this.memoryKill() ?? `the process exited (${signal ? `signal ${signal}` : `code ${String(code)}`}) before it was healthy`;
    });
    // Output can still arrive after 'exit'; the unfinished last line is written once the pipes close.
    void closed(child).then(() => {
      stdout.flushPartial();
      stderr.flushPartial();
    });
    this.logs.append(
      this.spec.deploymentId,
      'system',
      `Started \`${this.spec.command}\` on port ${this.spec.port} (pid ${String(child.pid)}); waiting for ${this.spec.health.path}`,
    );
    this.enforceMemoryLimit(child);
    return waitHealthy(this.spec.port, this.spec.health, () => death);
  }

  private describeLimits(): void {
    const { memory, cpu } = this.spec.limits;
    if (!memory && !cpu) return;
    const wanted = [memory ? `memory ${memory} MiB` : '', cpu ? `cpu ${cpu}` : ''].filter(Boolean).join(', ');
    const how = this.cgroup ? `enforced by ${this.cgroup.kind}` : `no writable cgroup here: memory is watched${cpu ? ', cpu is not limited' : ''}`;
    this.logs.append(this.spec.deploymentId, 'system', `Limits: ${wanted} (${how})`);
  }

  /** The memory-limit message when the kernel killed a process of this release since it was last launched. */
  private memoryKill(): string | undefined {
    if ((this.cgroup?.oomKills() ?? 0) <= this.oomKillsAtLaunch) return undefined;
    return `Memory limit exceeded: the kernel stopped the process at the limit of ${String(this.spec.limits.memory)} MiB`;
  }

  private enforceMemoryLimit(child: ChildProcess): void {
    const limit = this.spec.limits.memory;
    const pid = child.pid;
    // A cgroup enforces it already; without one, watch the group's resident memory.
    if (this.cgroup || !limit || pid === undefined) return;
    const stopWatching = watchMemory(pid, limit * 1024 * 1024, (used) => {
      const message = `Memory limit exceeded: ${Math.round(used / 1048576)} MiB in use, the limit is ${limit} MiB; stopping the process`;
      this.logs.append(this.spec.deploymentId, 'system', message);
      this.onState('crashed', message);
      void stopGroup(pid, 0);
    });
    void exited(child).then(stopWatching);
  }

  private supervise(): void {
    const child = this.child;
    if (!child) return;
    void exited(child).then(async ({ code, signal }) => {
      if (this.stopping || this.child !== child) return;
      const why = this.memoryKill() ?? `exited with ${signal ? `signal ${signal}` : `code ${String(code)}`}`;
      const delay = backoffMs[Math.min(this.restarts, backoffMs.length - 1)]!;
      this.restarts++;
      this.logs.append(this.spec.deploymentId, 'system', `${why}; restarting in ${delay / 1000} s`);
      this.onState('crashed', why);
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.stopping) return;
      const failure = await this.launch();
      if (this.stopping) return;
      if (failure) {
        this.logs.append(this.spec.deploymentId, 'system', `Restart failed: ${failure}`);
        this.supervise();
        return;
      }
      this.onState('recovered', `restarted after: ${why}`);
      this.supervise();
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const pid = this.child?.pid;
    if (pid !== undefined) await stopGroup(pid);
    try {
      this.cgroup?.remove();
    } catch {
      // A process that outlived its group keeps the cgroup busy; the kernel frees it with the last one.
    }
  }
}
