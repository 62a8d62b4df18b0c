/**
 * What `--runner kubernetes` does on this machine, before the cluster: the repository's Dockerfile built on Docker
 * Engine exactly as the Docker runner builds it, then tagged `<registry>/<project>:<deployment>` and pushed, so
 * that the cluster runs the image by the digest the registry answered. The release step runs in a container of
 * that image on the same engine (not in the cluster).
 */
import { mkdir } from 'node:fs/promises';
import { abortReason } from '../abort-reason';
import type { BuildRequest, ClusterBackend, ReleaseStepRequest } from '../backend';
import { DockerBackend } from '../docker/docker-backend';
import type { DockerEngine } from '../docker/docker-engine';
import type { KubernetesRunner } from './kubernetes-runner';

export class KubernetesBackend implements ClusterBackend {
  readonly name = 'kubernetes' as const;
  private readonly docker: DockerBackend;

  constructor(
    private readonly engine: DockerEngine,
    readonly runner: KubernetesRunner,
    /** `HOST[:PORT]/PREFIX` */
    private readonly registry: string,
  ) {
    this.docker = new DockerBackend(engine);
  }

  /** `stagingd/<project>:<deployment>` (the local name) as pushed: `<registry>/<project>`, same tag. */
  private remote(image: string): { repository: string; tag: string } {
    const colon = image.lastIndexOf(':');
    return { repository: `${this.registry}/${image.slice(0, colon).replace(/^stagingd\//, '')}`, tag: image.slice(colon + 1) };
  }

  async build(request: BuildRequest): Promise<string | undefined> {
    const failure = await this.docker.build(request);
    if (failure) return failure;
    const { repository, tag } = this.remote(request.image);
    const log = (line: string) => request.logs.append(request.deploymentId, 'build', line);
    request.logs.append(request.deploymentId, 'system', `Pushing ${repository}:${tag}`);
    try {
      await this.engine.tagImage(request.image, repository, tag);
      const { digest } = await this.engine.pushImage(repository, tag, log, AbortSignal.any([AbortSignal.timeout(request.timeoutMs), request.signal]));
      request.logs.append(request.deploymentId, 'system', `Pushed ${repository}@${digest}`);
    } catch (error) {
      if (request.signal.aborted) return abortReason(request.signal);
      return `the image could not be pushed to ${this.registry}: ${error instanceof Error ? error.message : String(error)}`;
    }
    return undefined;
  }

  /** The digest the push recorded on the engine's image (its RepoDigests), as the reference the cluster pulls. */
  async pushedImage(image: string): Promise<string> {
    const { repository, tag } = this.remote(image);
    const inspected = await this.engine.inspectImage(`${repository}:${tag}`);
    const pushed = inspected.RepoDigests?.find((reference) => reference.startsWith(`${repository}@sha256:`));
    if (!pushed) throw new Error(`${repository}:${tag} has no digest from ${this.registry}: it was not pushed`);
    return pushed;
  }

  runReleaseStep(request: ReleaseStepRequest): Promise<string | undefined> {
    return this.docker.runReleaseStep(request);
  }

  /** A promotion runs the promoted digest in the cluster: no files are needed here, only the release's folder. */
  async copyRelease(_source: string, target: string): Promise<void> {
    await mkdir(target, { recursive: true });
  }

  /** The engine's copies (the local name and the registry's); the registry keeps its own, which kept ReplicaSets pull. */
  async removeImage(image: string): Promise<boolean> {
    const { repository, tag } = this.remote(image);
    const pushed = await this.docker.removeImage(`${repository}:${tag}`);
    return (await this.docker.removeImage(image)) || pushed;
  }

  /** Builds and release steps a killed stagingd left on the engine; the cluster's releases are not leftovers. */
  stopLeftovers(ours: (deploymentId: string) => Promise<boolean>): Promise<number> {
    return this.docker.stopLeftovers(ours);
  }
}
