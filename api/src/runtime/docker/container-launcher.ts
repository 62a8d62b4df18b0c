import type { Instance, LaunchSpec, Launcher } from '../instance';
import { freePort } from '../processes';
import { publishedPort, type DockerEngine } from './docker-engine';

export const deploymentLabel = 'dev.staging.deployment';

/**
 * Runs a release as a container of its image, published on a loopback port chosen once so that the
 * proxy's route stays valid across restarts; memory and CPU limits are the container's cgroup limits.
 */
export class ContainerLauncher implements Launcher {
  private constructor(
    private readonly engine: DockerEngine,
    private readonly spec: LaunchSpec & { image: string },
    private readonly containerPort: number,
    readonly port: number,
  ) {}

  static async create(engine: DockerEngine, spec: LaunchSpec & { image: string; port: number | undefined }): Promise<ContainerLauncher> {
    return new ContainerLauncher(engine, spec, spec.port ?? 8080, await freePort());
  }

  describeLimits(): string | undefined {
    const { memory, cpu } = this.spec.limits;
    if (!memory && !cpu) return undefined;
    return `Limits: ${[memory ? `memory ${memory} MiB` : '', cpu ? `cpu ${cpu}` : ''].filter(Boolean).join(', ')} (enforced by the container's cgroup)`;
  }

  async launch(): Promise<Instance> {
    const { engine, spec } = this;
    const { id } = await engine.createContainer({
      image: spec.image,
      // Inside a container the app must listen on every interface; Docker publishes it on loopback only.
      env: { ...spec.env, PORT: String(this.containerPort), HOST: '0.0.0.0' },
      port: this.containerPort,
      hostPort: this.port,
      labels: { [deploymentLabel]: spec.deploymentId },
      ...(spec.limits.memory ? { memoryMiB: spec.limits.memory } : {}),
      ...(spec.limits.cpu ? { cpus: spec.limits.cpu } : {}),
    });
    await engine.startContainer(id);
    const published = publishedPort(await engine.inspect(id), this.containerPort);
    spec.logs.append(spec.deploymentId, 'system', `Started container ${id.slice(0, 12)} of ${spec.image} on port ${String(published)}`);
    const following = new AbortController();
    void engine.containerLogs(id, (line) => spec.logs.append(spec.deploymentId, 'runtime', line), following.signal).catch(() => undefined);
    // A run that ends, by itself or stopped, leaves no container behind: the next run is a new one.
    const ended = engine.waitExit(id).then(async ({ exitCode }) => {
      const state = await engine.inspect(id).then(
        (inspected) => inspected.State,
        () => undefined,
      );
      following.abort();
      await engine.removeContainer(id, { force: true }).catch(() => undefined);
      if (state?.OOMKilled) return `Memory limit exceeded: the kernel stopped the container at the limit of ${String(spec.limits.memory)} MiB`;
      return `exited with code ${exitCode}`;
    });
    return {
      pid: undefined,
      ended,
      stop: async () => {
        await engine.stopContainer(id, 5).catch(() => undefined);
        await ended.catch(() => undefined);
      },
    };
  }

  dispose(): Promise<void> {
    return Promise.resolve();
  }
}
