import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { findIssueKeys } from './issue-keys';
import { BadRefError, GitRepository } from '../runtime/git-repository';
import type { ServingRelease } from '../runtime/release';
import type { DeploymentRecord, DeploymentStatus, EnvironmentRecord, ProjectRecord } from '../store/records';
import { now } from '../store/records';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import { presentDeployment, presentEnvironment } from '../context/presenters';
import { approvalState, assertApproved } from './approvals';
import { CrashLoopWatch } from './crash-loop';
import { EnvironmentWork } from './environment-work';
import { abortReason } from '../runtime/abort-reason';
import { isUnderWay, underWayStatuses } from '../../../common/src/api/deployment-status';
import { releaseVariables, stagingConfig } from './project-config';
import { imageOf } from './release-image';
import { RunningReleases } from './running-releases';
import { type PrunedReleases, pruneReleases, removeUnneededImages } from './release-retention';
import { commentScreenshotFile } from '../context/screenshot-files';
import { environmentSyncs } from '../context/environment-syncs';

/** How many live releases a restarted stagingd brings back at once. */
const RESTARTS_AT_ONCE = 4;

/**
 * Deploy, roll back, promote, cancel: the lifecycle of releases. Deployments of one environment run one at a
 * time; a failed or cancelled one leaves the previous release serving; a rollback cancels what is under way.
 */
export class DeploymentService {
  private readonly repositories = new Map<string, Promise<GitRepository>>();
  private readonly work = new EnvironmentWork();
  private readonly crashLoops = new CrashLoopWatch();

  private readonly running: RunningReleases;

  constructor(private readonly context: ServerContext) {
    this.running = new RunningReleases(context, (id, state, detail) => void this.onReleaseState(id, state, detail));
  }

  repository(project: Pick<ProjectRecord, 'name' | 'repository'>): Promise<GitRepository> {
    let repository = this.repositories.get(project.name);
    if (!repository) {
      repository = GitRepository.open(project.repository, path.join(this.context.dataDir, 'repos', `${project.name}.git`));
      repository.catch(() => this.repositories.delete(project.name));
      this.repositories.set(project.name, repository);
    }
    return repository;
  }

  /** Drops the mirror of a project being deleted. */
  forgetRepository(name: string): void {
    this.repositories.delete(name);
  }

  /** Resolves the ref now (a bad ref is a 422 with nothing created), then builds and releases in the background. */
  async deploy(project: ProjectRecord, env: EnvironmentRecord, ref: string, deployedBy: string): Promise<DeploymentRecord> {
    const repository = await this.repository(project);
    await repository.fetch();
    let commit: string;
    try {
      commit = await repository.resolve(ref);
    } catch (error) {
      if (error instanceof BadRefError) throw new ClientError(422, error.message, { field: '/body/ref' });
      throw error;
    }
    const deployment = await this.queue(env.id, ref, commit, deployedBy, null, await this.issueKeys(repository, env, ref, commit));
    this.context.logs.append(deployment.id, 'system', `Queued ${ref} (${commit.slice(0, 12)}) for ${env.name}, by ${deployedBy}`);
    await this.publish(deployment);
    void this.work.queue(env.id, deployment.id, (signal) => this.build(project, deployment, signal));
    return deployment;
  }

  /** Deploys the exact build of a successful deployment to production, without rebuilding. */
  async promote(project: ProjectRecord, sourceId: string, deployedBy: string): Promise<DeploymentRecord> {
    const source = await this.context.deployments.get(sourceId);
    if (!source || source.project !== project.name)
      throw new ClientError(404, `Deployment ${sourceId} does not belong to project '${project.name}'.`, { field: '/body/deployment_id' });
    if (!['live', 'superseded', 'rolled_back'].includes(source.status) || !source.releaseDir) {
      throw new ClientError(409, `Deployment ${sourceId} is ${source.status}; only a deployment that went live can be promoted.`, {
        field: '/body/deployment_id',
      });
    }
    const production = (await this.context.environments.list(project.name)).find((e) => e.kind === 'production');
    if (!production) throw new ClientError(409, `Project '${project.name}' has no production environment.`);
    if (source.environmentId === production.id)
      throw new ClientError(409, 'That deployment is already a production deployment.', { field: '/body/deployment_id' });
    // The registered staging.yaml sets the bar, never the deployed commit's own: a branch cannot lower it.
    assertApproved(source, approvalState(stagingConfig(project.config).approvals, await this.context.reviews.list(source.id)));
    const unchecked = await this.context.checks.promotionBlocker(stagingConfig(project.config), source);
    if (unchecked)
      throw new ClientError(409, `Deployment ${source.id} (${source.commit?.slice(0, 12) ?? source.ref}) cannot be promoted yet: ${unchecked.reason}.`, {
        field: '/body/deployment_id',
        check_run_id: unchecked.run?.id ?? null,
      });
    const deployment = await this.queue(production.id, source.ref, source.commit, deployedBy, source.id, source.issueKeys);
    this.context.logs.append(
      deployment.id,
      'system',
      `Promoting the build of deployment ${source.id} (${source.commit?.slice(0, 12) ?? '?'}) to production, by ${deployedBy}`,
    );
    await this.publish(deployment);
    const sourceDir = source.releaseDir;
    void this.work.queue(production.id, deployment.id, (signal) => this.release(project, deployment, signal, () => this.copyBuild(sourceDir, deployment)));
    return deployment;
  }

  /**
   * Issue keys of the branch deployed (the ref, or the environment's branch when the ref is a commit id, as
   * from a push) and of the commits since the environment's live deployment (the deployed one alone if none).
   */
  private async issueKeys(repository: GitRepository, env: EnvironmentRecord, ref: string, commit: string): Promise<string[]> {
    const live = env.liveDeploymentId ? await this.context.deployments.get(env.liveDeploymentId) : undefined;
    const branch = /^[0-9a-f]{40,64}$/.test(ref) ? (env.branch ?? '') : ref;
    const messages = await repository.commitMessages(commit, live?.commit ?? null, 50).catch(() => []);
    return findIssueKeys([branch, ...messages]);
  }

  private queue(
    environmentId: string,
    ref: string,
    commit: string | null,
    deployedBy: string,
    sourceDeploymentId: string | null,
    issueKeys: string[],
  ): Promise<DeploymentRecord> {
    return this.context.deployments.insert({
      id: crypto.randomUUID(),
      environmentId,
      ref,
      commit,
      status: 'queued',
      deployedBy,
      reason: null,
      sourceDeploymentId,
      issueKeys,
      releaseDir: null,
      port: null,
      pid: null,
      createdAt: now(),
      startedAt: null,
      completedAt: null,
    });
  }

  /**
   * Serves an earlier deployment again: a proxy switch while it is warm, otherwise a restart of its kept build.
   * The emergency action: it cancels what the environment has under way instead of waiting behind it.
   */
  async rollback(project: ProjectRecord, env: EnvironmentRecord, targetId: string | undefined, by: string): Promise<DeploymentRecord> {
    const target = await this.rollbackTarget(env, targetId);
    this.work.cancelEnvironment(env.id, `cancelled: ${by} rolled ${env.name} back to ${target.id}`);
    return this.work.switching(env.id, () => this.switchBack(project, env.id, targetId));
  }

  /** `why`: the reason the deployment rolled back from gets (default: which one it was rolled back to). */
  private async switchBack(project: ProjectRecord, envId: string, targetId: string | undefined, why?: string): Promise<DeploymentRecord> {
    const env = await this.context.environments.byId(envId);
    if (!env) throw new ClientError(404, 'The environment no longer exists.');
    const target = await this.rollbackTarget(env, targetId);
    this.context.logs.reopen(target.id);
    let release = this.running.get(target.id);
    if (release) {
      this.running.cancelWarmStop(target.id);
      this.context.logs.append(target.id, 'system', 'Rolled back to this release (it was still running)');
    } else {
      const started = await this.running.restore(project, env, target);
      if ('failure' in started) throw new ClientError(409, `Rolling back failed: ${started.failure}`);
      release = started;
    }
    return this.goLive(project, env, target, release, 'rolled_back', why);
  }

  /** The deployment a rollback would serve; a 404 or 409 naming why there is none. */
  private async rollbackTarget(env: EnvironmentRecord, targetId: string | undefined): Promise<DeploymentRecord> {
    const target = targetId ? await this.context.deployments.get(targetId) : await this.previousLive(env);
    if (!target || target.environmentId !== env.id) {
      throw new ClientError(
        targetId ? 404 : 409,
        targetId ? `Deployment ${targetId} is not a deployment of '${env.name}'.` : `'${env.name}' has no earlier release to roll back to.`,
        {
          field: '/body/deployment_id',
        },
      );
    }
    if (target.id === env.liveDeploymentId) throw new ClientError(409, `Deployment ${target.id} is already live.`, { field: '/body/deployment_id' });
    if (!['superseded', 'rolled_back'].includes(target.status) || !target.releaseDir) {
      throw new ClientError(409, `Deployment ${target.id} is ${target.status} and has no release to roll back to.`, { field: '/body/deployment_id' });
    }
    return target;
  }

  /** Cancels a deployment that is queued, building or starting; the live release keeps serving. */
  cancel(deployment: DeploymentRecord, by: string): DeploymentRecord {
    if (!isUnderWay(deployment.status) || !this.work.cancel(deployment.id, `cancelled by ${by}`))
      throw new ClientError(409, `Deployment ${deployment.id} is ${deployment.status}: only a queued, building or starting deployment can be cancelled.`);
    this.context.logs.append(deployment.id, 'system', `Cancelling, by ${by}`);
    return deployment;
  }

  private async previousLive(env: EnvironmentRecord): Promise<DeploymentRecord | undefined> {
    for (const candidate of await this.context.deployments.page(env.id, 100)) {
      if (candidate.id !== env.liveDeploymentId && candidate.status === 'superseded' && candidate.releaseDir) return candidate;
    }
    return undefined;
  }

  private async build(project: ProjectRecord, deployment: DeploymentRecord, signal: AbortSignal): Promise<void> {
    await this.release(project, deployment, signal, async (env) => {
      const releaseDir = path.join(this.context.dataDir, 'releases', deployment.id);
      const repository = await this.repository(project);
      await repository.addWorktree(releaseDir, deployment.commit!);
      this.context.logs.append(deployment.id, 'system', `Checked out ${deployment.commit!.slice(0, 12)}`);
      await this.noteConfigDifference(project, deployment, repository);
      const config = stagingConfig(project.config);
      const failure = await this.context.backend.build({
        deploymentId: deployment.id,
        releaseDir,
        command: config.build.command,
        directory: config.build.directory,
        // The commit, for builds that would ask git: in the sandbox the worktree's .git leads nowhere.
        env: { ...(await releaseVariables(this.context, config, env)), STAGING_COMMIT: deployment.commit! },
        timeoutMs: config.build.timeoutMs,
        dataDir: await this.context.databases.dataDirectory(config, env),
        image: imageOf(project, deployment),
        logs: this.context.logs,
        signal,
      });
      if (failure) {
        await repository.removeWorktree(releaseDir);
        return { failure };
      }
      return { releaseDir };
    });
  }

  /** Says so (log, `config_differs`) when the commit's staging.yaml is not the registered one, which the deployment uses. */
  private async noteConfigDifference(project: ProjectRecord, deployment: DeploymentRecord, repository: GitRepository): Promise<void> {
    const text = await repository.readFile(deployment.commit!, project.configPath).catch(() => undefined);
    if (text === undefined || text === project.config) return;
    this.context.logs.append(
      deployment.id,
      'system',
      `This commit's ${project.configPath} differs from the one registered for ${project.name}; the registered one is used. ` +
        `Update it with PATCH /v1/projects/${project.name}, Staging: Update Project from staging.yaml, or a push to the production branch.`,
    );
    await this.publish(await this.context.deployments.update(deployment.id, { configDiffers: true }));
  }

  private async copyBuild(sourceDir: string, deployment: DeploymentRecord): Promise<{ releaseDir: string } | { failure: string }> {
    const releaseDir = path.join(this.context.dataDir, 'releases', deployment.id);
    try {
      await this.context.backend.copyRelease(sourceDir, releaseDir);
    } catch (error) {
      rmSync(releaseDir, { recursive: true, force: true });
      const failed = error as Error & { stderr?: string };
      return { failure: `the build could not be copied: ${(failed.stderr?.trim() || failed.message).split('\n')[0]}` };
    }
    this.context.logs.append(deployment.id, 'system', 'Copied the promoted build');
    return { releaseDir };
  }

  /**
   * building -> starting -> live, or failed or cancelled with the previous release still serving. A cancel
   * stops the build or the starting release at once; it cannot come once the release is going live.
   */
  private async release(
    project: ProjectRecord,
    queued: DeploymentRecord,
    signal: AbortSignal,
    prepare: (env: EnvironmentRecord) => Promise<{ releaseDir: string } | { failure: string }>,
  ): Promise<void> {
    let env = await this.context.environments.byId(queued.environmentId);
    if (!env) return;
    let deployment = queued;
    const ended = (failure: string): Promise<void> => (signal.aborted ? this.endCancelled(deployment, signal) : this.fail(deployment, failure));
    if (signal.aborted) return ended('');
    deployment = await this.setStatus(queued, 'building', { startedAt: now() });
    env = await this.setEnvironment(env, { status: 'building' });
    try {
      const prepared = await prepare(env);
      if ('failure' in prepared || signal.aborted) return await ended('failure' in prepared ? prepared.failure : '');
      const stepFailure = await this.releaseStep(project, env, deployment, prepared.releaseDir, signal);
      if (stepFailure !== undefined || signal.aborted) return await ended(stepFailure ?? '');
      deployment = await this.setStatus(deployment, 'starting', { releaseDir: prepared.releaseDir });
      const release = await this.running.start(project, env, deployment, prepared.releaseDir, signal);
      if ('failure' in release) return await ended(release.failure);
      const live = env;
      const wentLive = await this.work.switching(env.id, async () => {
        if (!signal.aborted) return await this.goLive(project, live, deployment, release, 'superseded');
        await this.running.stop(deployment.id);
        await ended('');
        return undefined;
      });
      // staging.yaml's checks of the new live deployment, in the background (production is their baseline).
      if (wentLive && env.kind !== 'production') void this.context.checks.deployed(stagingConfig(project.config), env, wentLive);
    } catch (error) {
      const reason = error instanceof ClientError ? error.message : `internal error: ${error instanceof Error ? error.message : String(error)}`;
      await ended(reason);
    }
  }

  /**
   * staging.yaml's release step (migrations, say), after the build and before the release starts, with the
   * environment's variables: why it failed, or undefined (also when there is none).
   */
  private async releaseStep(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    releaseDir: string,
    signal: AbortSignal,
  ): Promise<string | undefined> {
    const config = stagingConfig(project.config);
    if (!config.release) return undefined;
    return this.context.backend.runReleaseStep({
      deploymentId: deployment.id,
      releaseDir,
      command: config.release.command,
      env: { ...(await releaseVariables(this.context, config, env)), STAGING_COMMIT: deployment.commit ?? '' },
      timeoutMs: config.release.timeoutMs,
      dataDir: await this.context.databases.dataDirectory(config, env),
      assets: await this.context.assets.mount(config, env),
      image: imageOf(project, deployment),
      logs: this.context.logs,
      signal,
    });
  }

  private async endCancelled(deployment: DeploymentRecord, signal: AbortSignal): Promise<void> {
    const reason = abortReason(signal);
    this.context.logs.append(deployment.id, 'system', `Deployment ${reason}`);
    await this.end(deployment, 'cancelled', reason, (env) => env.status === 'building');
  }

  /**
   * A deployment that did not go live ends: its log finishes, and its environment (when `settles` says so) is active
   * again if a previous release serves, else in error. Both records change before either event goes out: whoever hears
   * of one and reads the other sees them agree.
   */
  private async end(deployment: DeploymentRecord, status: 'failed' | 'cancelled', reason: string, settles: (env: EnvironmentRecord) => boolean): Promise<void> {
    const ended = await this.context.deployments.update(deployment.id, { reason, completedAt: now(), status });
    this.context.logs.finish(deployment.id);
    const env = await this.context.environments.byId(deployment.environmentId);
    const updated = env && settles(env) ? await this.context.environments.update(env.id, { status: env.liveDeploymentId ? 'active' : 'error' }) : undefined;
    await this.context.logs.shared();
    await this.publish(ended);
    if (updated) await this.publishEnvironment(updated);
  }

  private async onReleaseState(deploymentId: string, state: string, detail: string): Promise<void> {
    const deployment = await this.context.deployments.get(deploymentId);
    const env = deployment ? await this.context.environments.byId(deployment.environmentId) : undefined;
    if (!deployment || !env || env.liveDeploymentId !== deploymentId) return;
    if (state === 'crashed') {
      // The live deployment says what went wrong, while the environment shows the error.
      await this.setStatus(deployment, deployment.status, { reason: detail });
      await this.setEnvironment(env, { status: 'error' });
      const loop = this.crashLoops.crashed(deploymentId);
      if (loop) {
        this.context.logs.append(deploymentId, 'system', `Release crashed: ${detail}`);
        return this.rollBackCrashLoop(env, deployment, `crash loop: crashed ${loop.count} times in ${loop.seconds} s (last: ${detail})`);
      }
    }
    if (state === 'recovered') {
      await this.context.deployments.update(deploymentId, { pid: this.running.get(deploymentId)?.pid ?? null });
      await this.setEnvironment(env, { status: 'active' });
    }
    this.context.logs.append(deploymentId, 'system', `Release ${state}: ${detail}`);
  }

  /**
   * A live release in a crash loop: back to the release live before it, automatically, with the reason on the
   * crashing deployment (a `deployment.rolled_back` notification); it stops instead of restarting forever. Without
   * an earlier release it keeps restarting.
   */
  private async rollBackCrashLoop(env: EnvironmentRecord, crashing: DeploymentRecord, why: string): Promise<void> {
    const project = await this.context.projects.get(env.project);
    const target = await this.previousLive(env);
    if (!project || !target) {
      this.context.logs.append(crashing.id, 'system', `${why}; there is no earlier release to roll back to, so it keeps restarting`);
      return;
    }
    this.context.logs.append(crashing.id, 'system', `${why}; rolling back to ${target.id} automatically`);
    this.work.cancelEnvironment(env.id, `cancelled: ${env.name} rolled back automatically after a crash loop`);
    try {
      await this.work.switching(env.id, () => this.switchBack(project, env.id, target.id, `${why}; rolled back automatically to ${target.id}`));
    } catch (error) {
      this.context.logs.append(crashing.id, 'system', `The automatic rollback failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    await this.running.stop(crashing.id);
  }

  /** Switches the proxy to the release, then retires the one it replaces (kept warm for a fast rollback). */
  private async goLive(
    project: ProjectRecord,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    release: ServingRelease,
    previousBecomes: DeploymentStatus,
    previousReason?: string,
  ): Promise<DeploymentRecord> {
    this.running.route(project, env, release.upstream);
    const current = await this.context.environments.byId(env.id);
    const previousId = current?.liveDeploymentId;
    // Every record changes before any event goes out: whoever hears of one and reads another sees them agree.
    const live = await this.context.deployments.update(deployment.id, { completedAt: now(), reason: null, status: 'live' });
    const active = await this.context.environments.update((current ?? env).id, { status: 'active', liveDeploymentId: deployment.id });
    this.context.logs.append(deployment.id, 'system', `Live at ${this.context.previewUrl(project.name, env.kind === 'production' ? null : env.name)}`);
    const previous = previousId && previousId !== deployment.id ? await this.context.deployments.get(previousId) : undefined;
    await this.context.logs.shared();
    const replaced = previous
      ? await this.context.deployments.update(previous.id, {
          status: previousBecomes,
          ...(previousBecomes === 'rolled_back' ? { reason: previousReason ?? `rolled back to ${deployment.id}` } : {}),
        })
      : undefined;
    await this.publish(live);
    await this.publishEnvironment(active);
    if (replaced) await this.publish(replaced);
    if (previousId && previousId !== deployment.id) this.running.keepWarm(env.id, previousId);
    return live;
  }

  private async fail(deployment: DeploymentRecord, reason: string): Promise<void> {
    this.context.logs.append(deployment.id, 'system', `Deployment failed: ${reason}`);
    // The previous release, if any, is still serving: the environment stays active.
    await this.end(deployment, 'failed', reason, () => true);
  }

  private async setStatus(
    deployment: DeploymentRecord,
    status: DeploymentStatus,
    changes: Parameters<ServerContext['deployments']['update']>[1] = {},
  ): Promise<DeploymentRecord> {
    const updated = await this.context.deployments.update(deployment.id, { ...changes, status });
    await this.publish(updated);
    return updated;
  }

  private async setEnvironment(env: EnvironmentRecord, changes: Parameters<ServerContext['environments']['update']>[1]): Promise<EnvironmentRecord> {
    const updated = await this.context.environments.update(env.id, changes);
    await this.publishEnvironment(updated);
    return updated;
  }

  private async publishEnvironment(env: EnvironmentRecord): Promise<void> {
    await this.context.events.publish('environment.updated', await presentEnvironment(this.context, env));
  }

  private async publish(deployment: DeploymentRecord): Promise<void> {
    await this.context.events.publish('deployment.updated', presentDeployment(deployment));
  }

  /** Stops an environment's live release (PATCH status: stopped) or starts it again. */
  async setRunning(project: ProjectRecord, env: EnvironmentRecord, running: boolean): Promise<EnvironmentRecord> {
    if (!env.liveDeploymentId) {
      if (running) throw new ClientError(409, `'${env.name}' has never been deployed: deploy a ref first.`, { field: '/body/status' });
      return this.setEnvironment(env, { status: 'stopped' });
    }
    const deployment = await this.context.deployments.get(env.liveDeploymentId);
    if (!running) {
      this.context.routes.delete(project.name, env.kind === 'production' ? null : env.name);
      await this.running.suspend(project, env, env.liveDeploymentId);
      return this.setEnvironment(env, { status: 'stopped' });
    }
    if (!deployment?.releaseDir) throw new ClientError(409, `The live release of '${env.name}' is gone: deploy again.`);
    if (!this.running.get(deployment.id)) {
      this.context.logs.reopen(deployment.id);
      const release = await this.running.resume(project, env, deployment, deployment.releaseDir);
      if ('failure' in release) return this.setEnvironment(env, { status: 'error' });
      this.running.route(project, env, release.upstream);
    }
    return this.setEnvironment(env, { status: 'active' });
  }

  /** Cancels what the environment has under way, stops every release of it and removes it with its releases and logs on disk. */
  async deleteEnvironment(project: ProjectRecord, env: EnvironmentRecord): Promise<void> {
    this.work.cancelEnvironment(env.id, `cancelled: the environment ${env.name} was deleted`);
    await this.work.after(env.id, () =>
      this.work.switching(env.id, async () => {
        this.context.routes.delete(project.name, env.kind === 'production' ? null : env.name);
        const history = await this.context.deployments.page(env.id, 10_000);
        const repository = await this.repository(project);
        for (const deployment of history) {
          await this.running.stop(deployment.id);
          if (deployment.releaseDir) await repository.removeWorktree(deployment.releaseDir);
        }
        await this.running.removeEnvironment(project, env);
        await this.context.databases.remove(env);
        // Read before the records go (they cascade): the syncs' logs and the comments' screenshots.
        const syncs = await environmentSyncs(this.context, env.id);
        const screenshots = await this.context.comments.withScreenshots({ environmentId: env.id });
        await this.context.checks.remove(env);
        await this.context.environments.delete(env.id);
        await this.context.mail.inboxes.removeEnvironment(env.id);
        await this.context.assets.remove(env);
        for (const { id } of [...history, ...syncs]) await this.context.logs.remove(id);
        for (const { id } of screenshots) rmSync(commentScreenshotFile(this.context.dataDir, id), { force: true });
        await removeUnneededImages(this.context, project, history);
        await this.context.events.publish('environment.deleted', { project: project.name, name: env.name });
      }),
    );
  }

  /** The environment's releases past the newest `keep` (release-retention.ts), while nothing switches it. */
  pruneReleases(project: ProjectRecord, env: EnvironmentRecord, keep: number): Promise<PrunedReleases> {
    return this.work.switching(env.id, async () => {
      const current = await this.context.environments.byId(env.id);
      if (!current) return { releases: 0, images: 0, bytes: 0 };
      const deps = {
        context: this.context,
        repository: await this.repository(project),
        isRunning: (id: string) => this.running.get(id) !== undefined,
        rollbackTarget: (await this.previousLive(current))?.id,
      };
      return pruneReleases(deps, project, current, keep);
    });
  }

  private restarts: { environmentId: string; deploymentId: string }[] = [];
  private stopping = false;

  /**
   * After a restart (even kill -9), before the API listens, and quick: marks the previous stagingd's unfinished
   * deployments failed and shows each environment whose live release must come back as `starting`
   * (restartReleases stops what the previous one left running, then brings them back).
   */
  async recover(): Promise<void> {
    // Only this replica's work: another replica sharing the store runs its own (null: from before replicas).
    const ours = (deployment: DeploymentRecord): boolean => deployment.owner === null || deployment.owner === this.context.replicas.id;
    for (const deployment of await this.context.deployments.withStatus([...underWayStatuses])) {
      await this.fail(deployment, 'stagingd stopped while this deployment was in progress');
    }
    for (const env of await this.context.environments.all()) {
      if (!env.liveDeploymentId || env.status === 'stopped') continue;
      const deployment = await this.context.deployments.get(env.liveDeploymentId);
      if (!deployment?.releaseDir || !ours(deployment) || !(await this.context.projects.get(env.project))) continue;
      await this.setEnvironment(env, { status: 'starting' });
      this.restarts.push({ environmentId: env.id, deploymentId: deployment.id });
    }
  }

  /**
   * While the API answers: stops every build and release the previous stagingd left running (the number stopped
   * goes to `stopped`), then brings back the live releases recover() found, a few at once. Each waits in its
   * environment's queue like a deployment, so a rollback or a deletion cancels it instead of waiting for it.
   */
  async restartReleases(stopped: (count: number) => void): Promise<void> {
    // Not before stagingd has said it is ready: looking for leftovers reads /proc.
    await new Promise((resolve) => setImmediate(resolve));
    const ours = async (deploymentId: string): Promise<boolean> => (await this.context.deployments.get(deploymentId)) !== undefined;
    stopped(await this.context.backend.stopLeftovers(ours));
    const pending = this.restarts;
    this.restarts = [];
    const worker = async (): Promise<void> => {
      for (let next = pending.shift(); next && !this.stopping; next = pending.shift()) {
        const { environmentId, deploymentId } = next;
        await this.work.queue(environmentId, deploymentId, (signal) => this.restartRelease(environmentId, deploymentId, signal));
      }
    };
    await Promise.all(Array.from({ length: RESTARTS_AT_ONCE }, worker));
  }

  /**
   * The work of a replica that fell silent, claimed for this one (each deployment by one replica only): its
   * deployments under way fail, since their builds died with it, and the releases it served start here when their
   * files can be reached from here (the Docker runner's images; the local runner's folders on a shared disk).
   */
  async takeOver(silent: string): Promise<number> {
    const claimed = await this.context.deployments.claim(silent, underWayStatuses);
    for (const deployment of claimed) {
      const id = deployment.id;
      await this.context.logs.adopt(id);
      if (isUnderWay(deployment.status)) {
        await this.fail(deployment, `the stagingd replica running it (${silent}) stopped answering while it was ${deployment.status}: deploy again`);
        continue;
      }
      const env = await this.context.environments.byId(deployment.environmentId);
      if (!env || env.liveDeploymentId !== id || env.status === 'stopped') continue;
      // A cluster's release needs no files from the replica that rolled it out.
      if (!deployment.releaseDir || (!this.running.inCluster && !existsSync(deployment.releaseDir))) {
        this.context.logs.reopen(id);
        this.context.logs.append(
          id,
          'system',
          `The stagingd replica serving this release (${silent}) stopped answering, and its files are not here: deploy again`,
        );
        await this.setEnvironment(env, { status: 'error' });
        continue;
      }
      await this.setEnvironment(env, { status: 'starting' });
      void this.work.queue(env.id, id, (signal) => this.restartRelease(env.id, id, signal, `the stagingd replica serving it (${silent}) stopped answering`));
    }
    return claimed.length;
  }

  private async restartRelease(environmentId: string, deploymentId: string, signal: AbortSignal, why = 'stagingd restarted'): Promise<void> {
    const env = await this.context.environments.byId(environmentId);
    const deployment = await this.context.deployments.get(deploymentId);
    const project = env && (await this.context.projects.get(env.project));
    // A rollback or a deletion came first.
    if (!env || !project || !deployment?.releaseDir || env.liveDeploymentId !== deploymentId || signal.aborted) return;
    this.context.logs.reopen(deploymentId);
    this.context.logs.append(deploymentId, 'system', `${why}: starting this release again`);
    const release = await this.running.resume(project, env, deployment, deployment.releaseDir, signal);
    await this.work.switching(environmentId, async () => {
      const current = await this.context.environments.byId(environmentId);
      const stillLive = current?.liveDeploymentId === deploymentId;
      if ('failure' in release) {
        if (stillLive && !signal.aborted) await this.setEnvironment(current, { status: 'error' });
        return;
      }
      if (!stillLive || signal.aborted) {
        if (!stillLive) await this.running.stop(deploymentId);
        return;
      }
      this.running.route(project, current, release.upstream);
      await this.setEnvironment(current, { status: 'active' });
    });
  }

  /** Removes per-branch environments whose expiry passed without a push. */
  async removeExpired(): Promise<void> {
    const due = new Date().toISOString();
    for (const env of await this.context.environments.all()) {
      if (env.kind !== 'branch' || !env.expiresAt || env.expiresAt > due) continue;
      // One replica removes it; the others find it claimed. If removing fails, the next sweep tries again.
      const firing = [`expiry:${env.id}`, env.expiresAt] as const;
      if (!(await this.context.replicas.firings.claim(...firing))) continue;
      const project = await this.context.projects.get(env.project);
      if (project)
        await this.deleteEnvironment(project, env).catch(async (error: unknown) => {
          await this.context.replicas.firings.release(...firing);
          throw error;
        });
    }
  }

  /** Cancels what is under way (a deployment ends `cancelled`), waits for it to end, then stops every release. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    this.work.cancelAll('cancelled: stagingd stopped');
    await this.work.idle();
    await this.running.shutdown();
  }
}
