import type { LogStore } from '../logs/log-store';
import type { LaunchSpec, Launcher } from './instance';
import type { KubernetesRunner } from './kubernetes/kubernetes-runner';
import type { AssetMount } from './sandbox';

export interface BuildRequest {
  deploymentId: string;
  /** The checked-out commit. */
  releaseDir: string;
  /** staging.yaml's build command and directory (a process backend runs them; Docker builds the Dockerfile). */
  command: string | undefined;
  directory: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** The environment's data folder (its SQLite database), when it has one. */
  dataDir?: string;
  /** The image a container backend builds, named for the deployment. */
  image: string;
  logs: LogStore;
  /** Aborted when the deployment is cancelled (a rollback, a cancel, the environment deleted). */
  signal: AbortSignal;
}

/** The release step (staging.yaml's `release.command`): run once, after the build, before the release starts. */
export interface ReleaseStepRequest {
  deploymentId: string;
  releaseDir: string;
  command: string;
  /** The environment's variables, as the release gets them. */
  env: Record<string, string>;
  timeoutMs: number;
  /** The environment's data folder (its SQLite database), when it has one. */
  dataDir?: string;
  /** The environment's asset folder, seen at its target (staging.yaml assets). */
  assets?: AssetMount;
  /** The deployment's image (container backend). */
  image: string;
  logs: LogStore;
  signal: AbortSignal;
}

/** What every runner does besides running releases: the build, the release step, promotions' files, images, leftovers. */
interface BackendSteps {
  /** Builds the release; the failure reason, or undefined. */
  build(request: BuildRequest): Promise<string | undefined>;
  /** Runs the release step where the release will run (the sandbox, or a container of its image); the failure reason, or undefined. */
  runReleaseStep(request: ReleaseStepRequest): Promise<string | undefined>;
  /** Copies a release's files for a promotion (the build runs again nowhere). */
  copyRelease(source: string, target: string): Promise<void>;
  /** Removes a deployment's image (container backend) once nothing kept needs it; false when there was none. */
  removeImage(image: string): Promise<boolean>;
  /**
   * At start, before anything runs: stops every build and release a previous stagingd left running (it was
   * killed), found by what the backend recorded, never by guessing; `ours` says whether a deployment id is this
   * stagingd's. The number stopped.
   */
  stopLeftovers(ours: (deploymentId: string) => Promise<boolean>): Promise<number>;
}

/** Releases on this machine, each serving on a loopback port: local processes, or containers on Docker Engine. */
export interface HostBackend extends BackendSteps {
  readonly name: 'local' | 'docker';
  /** A launcher for the release's runs (`port` is the app's own port when staging.yaml fixes one). */
  launcher(spec: LaunchSpec & { image: string; port: number | undefined }): Promise<Launcher>;
}

/**
 * Releases in a Kubernetes cluster: the build pushes the image to a registry, and the runner rolls releases out,
 * rolls them back and promotes them there; they serve at the cluster's Service address, not on this machine.
 */
export interface ClusterBackend extends BackendSteps {
  readonly name: 'kubernetes';
  readonly runner: KubernetesRunner;
  /** The pushed image of a deployment's build (`registry/name@sha256:…`), from its local name (BuildRequest.image). */
  pushedImage(image: string): Promise<string>;
}

/** How releases are built and run: local processes, containers on Docker Engine, or a Kubernetes cluster. */
export type ReleaseBackend = HostBackend | ClusterBackend;
