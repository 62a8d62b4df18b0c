import type { LogStore } from '../logs/log-store';
import type { LaunchSpec, Launcher } from './instance';

export interface BuildRequest {
  deploymentId: string;
  /** The checked-out commit. */
  releaseDir: string;
  /** staging.yaml's build command and directory (a process backend runs them; Docker builds the Dockerfile). */
  command: string | undefined;
  directory: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** The image a container backend builds, named for the deployment. */
  image: string;
  logs: LogStore;
  /** Called with the pid of a local build, so a restarted stagingd can stop one it lost. */
  started: (pid: number) => Promise<void>;
}

/** How releases are built and run: local processes, or containers on Docker Engine. */
export interface ReleaseBackend {
  readonly name: 'local' | 'docker';
  /** Builds the release; the failure reason, or undefined. */
  build(request: BuildRequest): Promise<string | undefined>;
  /** A launcher for the release's runs (`port` is the app's own port when staging.yaml fixes one). */
  launcher(spec: LaunchSpec & { image: string; port: number | undefined }): Promise<Launcher>;
  /** Copies a release's files for a promotion (the build runs again nowhere). */
  copyRelease(source: string, target: string): Promise<void>;
  /** After a restart: stops whatever the previous stagingd left running for a deployment. */
  cleanUp(deployment: { id: string; pid: number | null }): Promise<void>;
}
