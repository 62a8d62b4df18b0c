import { isUnderWay } from '../../../common/src/api/deployment-status';
import type { ServerContext } from '../context/server-context';
import { diskUsage } from '../runtime/disk-usage';
import type { GitRepository } from '../runtime/git-repository';
import type { DeploymentRecord, EnvironmentRecord, ProjectRecord } from '../store/records';
import { imageOf } from './release-image';

export interface PrunedReleases {
  releases: number;
  images: number;
  bytes: number;
}

/**
 * An environment's releases past the newest `keep` go: their folders (worktrees of the mirror, or copies) and the
 * deployments' images no kept deployment needs. Never the live one, the one a rollback needs, one still running
 * (kept warm) or one under way. The deployments stay in the history, without a release to roll back to.
 */
export async function pruneReleases(
  deps: { context: ServerContext; repository: GitRepository; isRunning: (deploymentId: string) => boolean; rollbackTarget: string | undefined },
  project: ProjectRecord,
  env: EnvironmentRecord,
  keep: number,
): Promise<PrunedReleases> {
  const { context } = deps;
  const deployments = await projectDeployments(context, project);
  const withRelease = deployments.filter((deployment) => deployment.environmentId === env.id && deployment.releaseDir !== null);
  // A promotion under way (in another environment's queue) copies its source's release and runs its image.
  const promoting = deployments.filter((deployment) => isUnderWay(deployment.status)).map((deployment) => deployment.sourceDeploymentId);
  const protectedIds = new Set([env.liveDeploymentId, deps.rollbackTarget, ...promoting].filter((id): id is string => id !== null && id !== undefined));
  const candidates = withRelease.filter((deployment) => !protectedIds.has(deployment.id) && !deps.isRunning(deployment.id) && !isUnderWay(deployment.status));
  const pruned = candidates.slice(keep);
  let bytes = 0;
  for (const deployment of pruned) {
    bytes += await diskUsage(deployment.releaseDir!);
    await deps.repository.removeWorktree(deployment.releaseDir!);
    await context.deployments.update(deployment.id, { releaseDir: null });
  }
  return { releases: pruned.length, images: await removeUnneededImages(context, project, pruned, deployments), bytes };
}

/** Every deployment of the project, each environment's newest first. */
async function projectDeployments(context: ServerContext, project: ProjectRecord): Promise<DeploymentRecord[]> {
  const found: DeploymentRecord[] = [];
  for (const env of await context.environments.list(project.name)) found.push(...(await context.deployments.page(env.id, 10_000)));
  return found;
}

/**
 * The images of these deployments that no other deployment of the project with a release, or under way, still runs
 * (a promotion runs the image of the deployment it promoted): removed. How many went. `deployments`: the project's,
 * when the caller has read them already.
 */
export async function removeUnneededImages(
  context: ServerContext,
  project: ProjectRecord,
  gone: readonly DeploymentRecord[],
  deployments?: readonly DeploymentRecord[],
): Promise<number> {
  if (gone.length === 0) return 0;
  const goneIds = new Set(gone.map((deployment) => deployment.id));
  const needed = new Set(
    (deployments ?? (await projectDeployments(context, project)))
      .filter((deployment) => !goneIds.has(deployment.id) && (deployment.releaseDir !== null || isUnderWay(deployment.status)))
      .map((deployment) => imageOf(project, deployment)),
  );
  let removed = 0;
  for (const image of new Set(gone.map((deployment) => imageOf(project, deployment))))
    if (!needed.has(image) && (await context.backend.removeImage(image))) removed += 1;
  return removed;
}
