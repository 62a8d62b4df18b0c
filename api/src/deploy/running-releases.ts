import { Release, type ReleaseState } from '../runtime/release';
import type { DeploymentRecord, EnvironmentRecord, ProjectRecord } from '../store/records';
import type { ServerContext } from '../context/server-context';
import { previewSettings } from '../../../common/src/config/environment-entry';
import { releaseVariables, stagingConfig } from './project-config';

/** A deployment's image (container backend): a promotion runs the very image of the deployment it promotes. */
export function imageOf(project: ProjectRecord, deployment: DeploymentRecord): string {
  return `stagingd/${project.name}:${deployment.sourceDeploymentId ?? deployment.id}`;
}

/**
 * The releases running now: the live one of each environment and the one it replaced, kept warm so that a
 * rollback is a proxy switch (older ones stop: a rollback to them restarts their build). A warm release stops
 * when its warm time runs out.
 */
export class RunningReleases {
  private readonly releases = new Map<string, Release>();
  private readonly warmTimers = new Map<string, NodeJS.Timeout>();
  /** The one release kept warm per environment (by environment id). */
  private readonly warm = new Map<string, string>();

  constructor(
    private readonly context: ServerContext,
    private readonly onState: (deploymentId: string, state: ReleaseState, detail: string) => void,
  ) {}

  get(deploymentId: string): Release | undefined {
    return this.releases.get(deploymentId);
  }

  /** Starts a release and waits for its health check; `signal` cancels the start (nothing runs then). */
  async start(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    releaseDir: string,
    signal?: AbortSignal,
  ): Promise<Release | { failure: string }> {
    const config = stagingConfig(project.config);
    const variables = await releaseVariables(this.context, config, env);
    const launcher = await this.context.backend.launcher({
      deploymentId: deployment.id,
      directory: releaseDir,
      command: config.run.command,
      env: {
        ...variables,
        RELEASE: `${deployment.commit?.slice(0, 12) ?? deployment.ref} (${deployment.id.slice(0, 8)})`,
        STAGING_COMMIT: deployment.commit ?? '',
      },
      limits: env.resources,
      logs: this.context.logs,
      dataDir: await this.context.databases.dataDirectory(config, env),
      assets: await this.context.assets.mount(config, env),
      image: imageOf(project, deployment),
      port: config.run.port === '$PORT' ? undefined : config.run.port,
    });
    const release = await Release.start(
      deployment.id,
      launcher,
      config.run.health,
      this.context.logs,
      (state, detail) => this.onState(deployment.id, state, detail),
      signal,
    );
    if (!('failure' in release)) {
      this.releases.set(deployment.id, release);
      await this.context.deployments.update(deployment.id, { port: release.port, pid: release.pid ?? null });
    }
    return release;
  }

  /** Points the environment's host at a release: the atomic switch of a deploy or rollback. */
  route(project: ProjectRecord, env: EnvironmentRecord, port: number): void {
    const target = { host: '127.0.0.1', port };
    if (env.kind === 'production') return this.context.routes.set(project.name, null, { target, robots: 'allow' });
    const config = stagingConfig(project.config);
    // Preview links admit visitors to staging environments; production is never gated.
    this.context.routes.set(project.name, env.name, {
      target,
      robots: config.robots,
      preview: { environmentId: env.id, ...previewSettings(config, env) },
    });
  }

  keepWarm(environmentId: string, deploymentId: string): void {
    this.cancelWarmStop(deploymentId);
    const older = this.warm.get(environmentId);
    if (older !== undefined && older !== deploymentId) void this.stop(older);
    this.warm.set(environmentId, deploymentId);
    const timer = setTimeout(() => {
      this.warmTimers.delete(deploymentId);
      void this.stop(deploymentId);
    }, this.context.keepWarmMs);
    timer.unref();
    this.warmTimers.set(deploymentId, timer);
  }

  cancelWarmStop(deploymentId: string): void {
    const timer = this.warmTimers.get(deploymentId);
    if (timer) clearTimeout(timer);
    this.warmTimers.delete(deploymentId);
    for (const [environmentId, warm] of this.warm) if (warm === deploymentId) this.warm.delete(environmentId);
  }

  async stop(deploymentId: string): Promise<void> {
    const release = this.releases.get(deploymentId);
    this.releases.delete(deploymentId);
    this.cancelWarmStop(deploymentId);
    if (release) {
      await release.stop();
      this.context.logs.append(deploymentId, 'system', 'Release stopped');
    }
    this.context.logs.finish(deploymentId);
  }

  async shutdown(): Promise<void> {
    for (const timer of this.warmTimers.values()) clearTimeout(timer);
    await Promise.all([...this.releases.values()].map((release) => release.stop()));
    this.releases.clear();
  }
}
