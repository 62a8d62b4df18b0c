import type { ChildProcess } from 'node:child_process';
import { createReleaseCgroup, type ReleaseCgroup } from './cgroups';
import type { Instance, LaunchSpec, Launcher } from './instance';
import { watchMemory } from './memory-watch';
import type { ProcessLedger } from './process-ledger';
import { closed, exited, freePort, startCommand, stopGroup } from './processes';
import type { Sandbox } from './sandbox';

/**
 * Runs a release as a local process group with `PORT` set, in the sandbox, inside a cgroup that enforces its
 * limits where one can be made, otherwise with its resident memory watched.
 */
export class ProcessLauncher implements Launcher {
  private constructor(
    private readonly spec: LaunchSpec,
    readonly port: number,
    private readonly cgroup: ReleaseCgroup | undefined,
    private readonly sandbox: Sandbox,
    private readonly ledger: ProcessLedger,
  ) {}

  static async create(spec: LaunchSpec, fixedPort: number | undefined, sandbox: Sandbox, ledger: ProcessLedger): Promise<ProcessLauncher> {
    return new ProcessLauncher(spec, fixedPort ?? (await freePort()), createReleaseCgroup(spec.deploymentId, spec.limits), sandbox, ledger);
  }

  describeLimits(): string | undefined {
    const { memory, cpu } = this.spec.limits;
    if (!memory && !cpu) return undefined;
    const wanted = [memory ? `memory ${memory} MiB` : '', cpu ? `cpu ${cpu}` : ''].filter(Boolean).join(', ');
    const how = this.cgroup ? `enforced by ${this.cgroup.kind}` : `no writable cgroup here: memory is watched${cpu ? ', cpu is not limited' : ''}`;
    return `Limits: ${wanted} (${how})`;
  }

  launch(): Promise<Instance> {
    const { spec } = this;
    const oomKillsBefore = this.cgroup?.oomKills() ?? 0;
    const child = startCommand(spec.command, {
      cwd: spec.directory,
      env: this.sandbox.environment({ ...spec.env, PORT: String(this.port) }),
      prefix: this.sandbox.command(spec.directory, spec.directory, spec.dataDir, spec.assets ? { assets: spec.assets } : {}),
      ...(this.cgroup ? { cgroupProcs: this.cgroup.procsFiles } : {}),
    });
    this.ledger.track(child);
    const stdout = spec.logs.writer(spec.deploymentId, 'runtime');
    const stderr = spec.logs.writer(spec.deploymentId, 'runtime');
    child.stdout?.on('data', (chunk: Buffer) => stdout.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.write(chunk));
    // Output can still arrive after 'exit'; the unfinished last line is written once the pipes close.
    void closed(child).then(() => {
      stdout.flushPartial();
      stderr.flushPartial();
    });
    let watchedOut: string | undefined;
    const stopWatching = this.watchMemory(child, (message) => (watchedOut = message));
    const memoryLimit = `Memory limit exceeded: the kernel stopped the process at the limit of ${String(spec.limits.memory)} MiB`;
    const ended = exited(child).then(({ code, signal }) => {
      stopWatching();
      if (watchedOut) return watchedOut;
      if ((this.cgroup?.oomKills() ?? 0) > oomKillsBefore) return memoryLimit;
      return `exited with ${signal ? `signal ${signal}` : `code ${String(code)}`}`;
    });
    spec.logs.append(spec.deploymentId, 'system', `Started \`${spec.command}\` on port ${this.port} (pid ${String(child.pid)})`);
    return Promise.resolve({ pid: child.pid, ended, stop: () => (child.pid === undefined ? Promise.resolve() : stopGroup(child.pid)) });
  }

  /** Without a cgroup, a memory limit is enforced by sampling the process group. */
  private watchMemory(child: ChildProcess, exceeded: (message: string) => void): () => void {
    const limit = this.spec.limits.memory;
    const pid = child.pid;
    if (this.cgroup || !limit || pid === undefined) return () => undefined;
    return watchMemory(pid, limit * 1024 * 1024, (used) => {
      const message = `Memory limit exceeded: ${Math.round(used / 1048576)} MiB in use, the limit is ${limit} MiB`;
      this.spec.logs.append(this.spec.deploymentId, 'system', `${message}; stopping the process`);
      exceeded(message);
      void stopGroup(pid, 0);
    });
  }

  dispose(): Promise<void> {
    try {
      this.cgroup?.remove();
    } catch {
      // A process that outlived its group keeps the cgroup busy; the kernel frees it with the last one.
    }
    return Promise.resolve();
  }
}
