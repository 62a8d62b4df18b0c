import { runBuild } from './build-command';
import type { BuildRequest, ReleaseBackend } from './backend';
import type { LaunchSpec, Launcher } from './instance';
import { ProcessLauncher } from './process-launcher';
import { isAlive, stopGroup } from './processes';
import * as path from 'node:path';

/** Builds with staging.yaml's build command in the worktree and runs the release as a local process group. */
export class LocalBackend implements ReleaseBackend {
  readonly name = 'local' as const;

  build(request: BuildRequest): Promise<string | undefined> {
    if (!request.command) return Promise.resolve(undefined);
    return runBuild(request.logs, request.deploymentId, {
      directory: path.join(request.releaseDir, request.directory),
      command: request.command,
      env: request.env,
      timeoutMs: request.timeoutMs,
      started: request.started,
    });
  }

  launcher(spec: LaunchSpec & { port: number | undefined }): Promise<Launcher> {
    return ProcessLauncher.create(spec, spec.port);
  }

  async cleanUp(deployment: { pid: number | null }): Promise<void> {
    if (deployment.pid && isAlive(deployment.pid)) await stopGroup(deployment.pid, 2000);
  }
}
