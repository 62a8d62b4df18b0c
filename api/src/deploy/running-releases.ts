import type { HostBackend } from '../runtime/backend';
import { Release, type ReleaseState, type ServingRelease } from '../runtime/release';
import type { DeploymentRecord, EnvironmentRecord, ProjectRecord } from '../store/records';
import type { ServerContext } from '../context/server-context';
import { previewSettings } from '../../../common/src/config/environment-entry';
import { ClusterReleases } from './cluster-releases';
import { releaseVariables, stagingConfig } from './project-config';
import { imageOf } from './release-image';

/**
 * The releases running now: the live one of each environment and the one it replaced, kept warm so that a
 * rollback is a proxy switch (older ones stop: a rollback to them restarts their build). A warm release stops
 * when its warm time runs out.
 *
 * With --runner kubernetes the cluster runs them (ClusterReleases): nothing is kept warm here, since the cluster
 * keeps the replaced release's ReplicaSet and a rollback scales it up again; stopping one only lets go of it.
 */
export class RunningReleases {
  private readonly releases = new Map<string, ServingRelease>();
  private readonly warmTimers = new Map<string, NodeJS.Timeout>();
  /** The one release kept warm per environment (by environment id). */
  private readonly warm = new Map<string, string>();

  /** Where releases run: this machine (a process or a container behind a loopback port), or a cluster. */
  private readonly runs: { host: HostBackend } | { cluster: ClusterReleases };

  constructor(
    private readonly context: ServerContext,
    private readonly onState: (deploymentId: string, state: ReleaseState, detail: string) => void,
  ) {
    const { backend } = context;
    this.runs = backend.name === 'kubernetes' ? { cluster: new ClusterReleases(context, backend) } : { host: backend };
  }

  /** Whether releases run in a cluster rather than on this machine. */
  get inCluster(): boolean {
    return 'cluster' in this.runs;
  }

  get(deploymentId: string): ServingRelease | undefined {
    return this.releases.get(deploymentId);
  }

  /** Starts a release and waits for its health check; `signal` cancels the start (nothing runs then). */
  async start(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    releaseDir: string,
    signal?: AbortSignal,
  ): Promise<ServingRelease | { failure: string }> {
    if ('cluster' in this.runs) return this.serving(deployment.id, await this.runs.cluster.start(project, env, deployment, signal));
    const config = stagingConfig(project.config);
    const variables = await releaseVariables(this.context, config, env);
    const launcher = await this.runs.host.launcher({
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

  /** An earlier release serving again for a rollback: its build restarted, or in a cluster its kept ReplicaSet. */
  async restore(project: ProjectRecord, env: EnvironmentRecord, deployment: DeploymentRecord): Promise<ServingRelease | { failure: string }> {
    if ('cluster' in this.runs) return this.serving(deployment.id, await this.runs.cluster.rollback(project, env, deployment));
    this.context.logs.append(deployment.id, 'system', 'Rolling back to this release: restarting its build');
    return this.start(project, env, deployment, deployment.releaseDir!);
  }

  /** The live release running again: after a stop, a restart of stagingd or a replica's take-over. */
  async resume(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    releaseDir: string,
    signal?: AbortSignal,
  ): Promise<ServingRelease | { failure: string }> {
    if ('cluster' in this.runs) return this.serving(deployment.id, await this.runs.cluster.resume(project, env, deployment, signal));
    return this.start(project, env, deployment, releaseDir, signal);
  }

  /** Stops the environment's live release (PATCH status: stopped); in a cluster, scales it to no pods. */
  async suspend(project: ProjectRecord, env: EnvironmentRecord, deploymentId: string): Promise<void> {
    await this.stop(deploymentId);
    if ('cluster' in this.runs) await this.runs.cluster.suspend(project, env);
  }

  /** What the environment has outside this machine: its namespace in a cluster. */
  async removeEnvironment(project: ProjectRecord, env: EnvironmentRecord): Promise<void> {
    if ('cluster' in this.runs) await this.runs.cluster.deleteEnvironment(project, env);
  }

  private serving(deploymentId: string, release: ServingRelease | { failure: string }): ServingRelease | { failure: string } {
    if (!('failure' in release)) this.releases.set(deploymentId, release);
    return release;
  }

  /** Points the environment's host at a release: the atomic switch of a deploy or rollback. */
  route(project: ProjectRecord, env: EnvironmentRecord, target: { host: string; port: number }): void {
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
    // The cluster has scaled the replaced release down already; a rollback scales its kept ReplicaSet up.
    if ('cluster' in this.runs) return void this.stop(deploymentId);
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
