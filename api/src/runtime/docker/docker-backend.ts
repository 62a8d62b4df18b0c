import type { BuildRequest, HostBackend, ReleaseStepRequest } from '../backend';
import type { LaunchSpec, Launcher } from '../instance';
import { abortReason } from '../abort-reason';
import { copyTree } from '../sandbox';
import { ContainerLauncher, deploymentLabel } from './container-launcher';
import { runContainerStep } from './container-step';
import type { DockerEngine } from './docker-engine';

/** Builds the repository's Dockerfile into an image per deployment and runs releases as containers. */
export class DockerBackend implements HostBackend {
  readonly name = 'docker' as const;

  constructor(private readonly engine: DockerEngine) {}

  async build(request: BuildRequest): Promise<string | undefined> {
    request.logs.append(request.deploymentId, 'system', `Building image ${request.image} from the repository's Dockerfile`);
    try {
      await this.engine.buildImage(request.releaseDir, request.image, (line) => request.logs.append(request.deploymentId, 'build', line), {
        labels: { [deploymentLabel]: request.deploymentId },
        signal: AbortSignal.any([AbortSignal.timeout(request.timeoutMs), request.signal]),
      });
    } catch (error) {
      if (request.signal.aborted) return abortReason(request.signal);
      return `the image build failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    request.logs.append(request.deploymentId, 'system', 'Image built');
    return undefined;
  }

  runReleaseStep(request: ReleaseStepRequest): Promise<string | undefined> {
    return runContainerStep(this.engine, request);
  }

  /** A container never reaches the host's files: a plain copy. */
  copyRelease(source: string, target: string): Promise<void> {
    return copyTree(source, target);
  }

  /** An image a container still uses (a release being stopped) stays: the next cleanup takes it. */
  removeImage(image: string): Promise<boolean> {
    return this.engine.removeImage(image).catch(() => false);
  }

  launcher(spec: LaunchSpec & { image: string; port: number | undefined }): Promise<Launcher> {
    return ContainerLauncher.create(this.engine, spec);
  }

  /** Removes every container of this stagingd's deployments (another stagingd on the same engine keeps its own). */
  async stopLeftovers(ours: (deploymentId: string) => Promise<boolean>): Promise<number> {
    let removed = 0;
    for (const container of await this.engine.listContainers({ label: deploymentLabel, all: true })) {
      const deploymentId = container.Labels[deploymentLabel];
      if (!deploymentId || !(await ours(deploymentId))) continue;
      await this.engine.removeContainer(container.Id, { force: true });
      removed++;
    }
    return removed;
  }
}
