import { runStep } from './build-command';
import type { BuildRequest, HostBackend, ReleaseStepRequest } from './backend';
import type { LaunchSpec, Launcher } from './instance';
import { ProcessLauncher } from './process-launcher';
import type { ProcessLedger } from './process-ledger';
import type { Sandbox } from './sandbox';
import * as path from 'node:path';

/**
 * Builds with staging.yaml's build command in the worktree and runs the release as a local process group, both in
 * the sandbox (sandbox.ts) where the machine has one.
 */
export class LocalBackend implements HostBackend {
  readonly name = 'local' as const;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly ledger: ProcessLedger,
  ) {}

  async build(request: BuildRequest): Promise<string | undefined> {
    if (!request.command) return undefined;
    await this.sandbox.prepare(request.releaseDir);
    const directory = path.join(request.releaseDir, request.directory);
    return runStep(request.logs, request.deploymentId, {
      step: 'build',
      directory,
      command: request.command,
      env: this.sandbox.environment(request.env),
      timeoutMs: request.timeoutMs,
      ledger: this.ledger,
      signal: request.signal,
      prefix: this.sandbox.command(request.releaseDir, directory, request.dataDir),
    });
  }

  async runReleaseStep(request: ReleaseStepRequest): Promise<string | undefined> {
    await this.sandbox.prepare(request.releaseDir);
    if (request.assets) await this.sandbox.showAssets(request.releaseDir, request.assets);
    return runStep(request.logs, request.deploymentId, {
      step: 'release step',
      directory: request.releaseDir,
      command: request.command,
      env: this.sandbox.environment(request.env),
      timeoutMs: request.timeoutMs,
      ledger: this.ledger,
      signal: request.signal,
      prefix: this.sandbox.command(request.releaseDir, request.releaseDir, request.dataDir, request.assets ? { assets: request.assets } : {}),
    });
  }

  copyRelease(source: string, target: string): Promise<void> {
    return this.sandbox.copy(source, target);
  }

  /** Local releases have no images. */
  removeImage(): Promise<boolean> {
    return Promise.resolve(false);
  }

  async launcher(spec: LaunchSpec & { port: number | undefined }): Promise<Launcher> {
    await this.sandbox.prepare(spec.directory);
    if (spec.assets) await this.sandbox.showAssets(spec.directory, spec.assets);
    return ProcessLauncher.create(spec, spec.port, this.sandbox, this.ledger);
  }

  /** The ledger is the data directory's own: every group in it is this stagingd's. */
  stopLeftovers(): Promise<number> {
    return this.ledger.stopLeftovers();
  }
}
