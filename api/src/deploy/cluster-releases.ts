import type { ClusterBackend } from '../runtime/backend';
import type { EnvironmentTarget, ReleaseOutcome, RolloutOptions } from '../runtime/kubernetes/kubernetes-runner';
import type { EnvironmentRef } from '../runtime/kubernetes/names';
import type { ReleaseSpec } from '../runtime/kubernetes/workload';
import type { ServingRelease } from '../runtime/release';
import type { DeploymentRecord, EnvironmentRecord, ProjectRecord } from '../store/records';
import type { ServerContext } from '../context/server-context';
import { previewSettings } from '../../../common/src/config/environment-entry';
import { INHERITED, releaseVariables, stagingConfig } from './project-config';
import { imageOf } from './release-image';

/** A release in the cluster as stagingd holds it: the Service the proxy forwards to, and the follow of its pods' logs. */
class ClusterRelease implements ServingRelease {
  readonly pid = undefined;

  constructor(
    readonly upstream: { host: string; port: number },
    private readonly following: AbortController,
  ) {}

  /** Stops following its logs; the cluster keeps what it runs (a rollout or the namespace's deletion changes that). */
  stop(): Promise<void> {
    this.following.abort();
    return Promise.resolve();
  }
}

/**
 * The deployment lifecycle's releases on Kubernetes (`--runner kubernetes`), from the records to the runner: a new
 * release is the pushed image rolled out (a failed rollout puts the Deployment back on the release that was
 * serving), a promotion the digest the staging environment runs, a rollback the kept ReplicaSet scaled up again.
 * While stagingd holds a release it follows its pods' logs into the deployment's log.
 */
export class ClusterReleases {
  constructor(
    private readonly context: ServerContext,
    private readonly backend: ClusterBackend,
  ) {}

  /** A built or promoted release rolled out; why it failed otherwise (the previous release still serves). */
  async start(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    signal?: AbortSignal,
  ): Promise<ServingRelease | { failure: string }> {
    const { runner } = this.backend;
    const target = this.target(project, env);
    const spec = await this.spec(project, env, deployment);
    const source = deployment.sourceDeploymentId ? await this.context.deployments.get(deployment.sourceDeploymentId) : undefined;
    const sourceEnv = source ? await this.context.environments.byId(source.environmentId) : undefined;
    if (source && sourceEnv) {
      const from = this.ref(project, sourceEnv);
      this.log(deployment.id, `Promoting the image ${source.id} runs in ${runner.namespaceOf(from)} to ${runner.namespaceOf(target)}`);
      return this.rollout(deployment.id, target, signal, (options) => runner.promote(from, source.id, target, spec, options));
    }
    const image = await this.backend.pushedImage(imageOf(project, deployment));
    this.log(deployment.id, `Rolling out ${image} to namespace ${runner.namespaceOf(target)}${target.host ? ` (Ingress for ${target.host})` : ''}`);
    return this.rollout(deployment.id, target, signal, (options) => runner.applyRelease(target, { ...spec, image }, options));
  }

  /** The release's kept ReplicaSet serving again (nothing is built or pushed); why not otherwise. */
  async rollback(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    signal?: AbortSignal,
  ): Promise<ServingRelease | { failure: string }> {
    const target = this.target(project, env);
    this.log(deployment.id, `Rolling back to this release: its ReplicaSet, kept in ${this.backend.runner.namespaceOf(target)}, scales up again`);
    const timeoutMs = stagingConfig(project.config).run.health.timeoutMs;
    return this.rollout(deployment.id, target, signal, (options) => this.backend.runner.rollback(target, deployment.id, timeoutMs, options));
  }

  /** The live release at its replicas again (after a stop), or as found after a restart of stagingd. */
  async resume(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    signal?: AbortSignal,
  ): Promise<ServingRelease | { failure: string }> {
    const target = this.target(project, env);
    const timeoutMs = stagingConfig(project.config).run.health.timeoutMs;
    return this.rollout(deployment.id, target, signal, (options) => this.backend.runner.resume(target, deployment.id, timeoutMs, options));
  }

  /** Scales the environment to no pods (PATCH status: stopped); its ReplicaSets stay for resume and rollbacks. */
  async suspend(project: ProjectRecord, env: EnvironmentRecord): Promise<void> {
    await this.backend.runner.suspend(this.ref(project, env));
  }

  /** Deletes the environment's namespace, and with it everything the cluster ran for it. */
  async deleteEnvironment(project: ProjectRecord, env: EnvironmentRecord): Promise<void> {
    await this.backend.runner.deleteEnvironment(this.ref(project, env));
  }

  private ref(project: ProjectRecord, env: EnvironmentRecord): EnvironmentRef {
    return { project: project.name, environment: env.kind === 'production' ? null : env.name };
  }

  /**
   * The environment and the host of its Ingress, the preview host. An `access: links` environment gets none: an
   * Ingress goes straight to the Service, past the preview-link gate, so it is reached only through the proxy.
   */
  private target(project: ProjectRecord, env: EnvironmentRecord): EnvironmentTarget {
    const ref = this.ref(project, env);
    if (env.kind !== 'production' && previewSettings(stagingConfig(project.config), env).access === 'links') return ref;
    return { ...ref, host: new URL(this.context.previewUrl(project.name, ref.environment)).hostname };
  }

  /** What the release runs with, but its image: the variables (into its Secret only), port, limits, health check. */
  private async spec(project: ProjectRecord, env: EnvironmentRecord, deployment: DeploymentRecord): Promise<Omit<ReleaseSpec, 'image'>> {
    const config = stagingConfig(project.config);
    const variables = await releaseVariables(this.context, config, env);
    // stagingd's own PATH, HOME and the like are this machine's: the image has its own.
    for (const name of INHERITED) if (variables[name] !== undefined && variables[name] === process.env[name]) delete variables[name];
    return {
      deploymentId: deployment.id,
      port: config.run.port === '$PORT' ? 8080 : config.run.port,
      env: {
        ...variables,
        RELEASE: `${deployment.commit?.slice(0, 12) ?? deployment.ref} (${deployment.id.slice(0, 8)})`,
        STAGING_COMMIT: deployment.commit ?? '',
      },
      limits: env.resources,
      health: config.run.health,
    };
  }

  /**
   * A rollout, with the release's pods' logs followed from its start (so a failing pod's output is in the log too),
   * and the cluster's events meanwhile in the deployment's log (they carry no variables).
   */
  private async rollout(
    deploymentId: string,
    target: EnvironmentRef,
    signal: AbortSignal | undefined,
    run: (options: RolloutOptions) => Promise<ReleaseOutcome>,
  ): Promise<ServingRelease | { failure: string }> {
    const following = this.follow(target, deploymentId);
    try {
      return this.outcome(
        deploymentId,
        target,
        await run({ ...(signal ? { signal } : {}), onEvent: (line) => this.log(deploymentId, `Kubernetes: ${line}`) }),
        following,
      );
    } catch (error) {
      following.abort();
      throw error;
    }
  }

  /** Follows the release's pods' logs (those that start during the rollout too) until the release is let go. */
  private follow(target: EnvironmentRef, deploymentId: string): AbortController {
    const following = new AbortController();
    void this.backend.runner
      .followLogs(target, deploymentId, (line) => this.context.logs.append(deploymentId, 'runtime', line), following.signal)
      .catch(() => undefined);
    return following;
  }

  private outcome(deploymentId: string, target: EnvironmentRef, outcome: ReleaseOutcome, following: AbortController): ServingRelease | { failure: string } {
    if (!outcome.ok) {
      following.abort();
      if (outcome.restored) this.log(deploymentId, 'The Deployment is back on the release that was serving; its pods never stopped');
      return { failure: outcome.reason };
    }
    this.log(deploymentId, `Rolled out (Deployment revision ${outcome.revision})`);
    return new ClusterRelease(this.backend.runner.serviceAddress(target), following);
  }

  private log(deploymentId: string, line: string): void {
    this.context.logs.append(deploymentId, 'system', line);
  }
}
