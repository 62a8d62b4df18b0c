import { isUnderWay } from '../../../common/src/api/deployment-status';
import type { ServerContext } from '../context/server-context';
import { diskUsage } from '../runtime/disk-usage';
import type { GitRepository } from '../runtime/git-repository';
import type { DeploymentRecord, EnvironmentRecord, ProjectRecord } from '../store/records';
import { imageOf } from './running-releases';

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
  const withRelease = (await context.deployments.page(env.id, 10_000)).filter((deployment) => deployment.releaseDir !== null);
  // A promotion under way (in another environment's queue) copies its source's release and runs its image.
  const promoting = (await underWay(context, project)).map((deployment) => deployment.sourceDeploymentId);
  const protectedIds = new Set([env.liveDeploymentId, deps.rollbackTarget, ...promoting].filter((id): id is string => id !== null && id !== undefined));
  const candidates = withRelease.filter((deployment) => !protectedIds.has(deployment.id) && !deps.isRunning(deployment.id) && !isUnderWay(deployment.status));
  const pruned = candidates.slice(keep);
  let bytes = 0;
  for (const deployment of pruned) {
    bytes += await diskUsage(deployment.releaseDir!);
    await deps.repository.removeWorktree(deployment.releaseDir!);
    await context.deployments.update(deployment.id, { releaseDir: null });
  }
  return { releases: pruned.length, images: await removeUnneededImages(context, project, pruned), bytes };
}

/** The project's deployments queued, building or starting, in every environment. */
async function underWay(context: ServerContext, project: ProjectRecord): Promise<DeploymentRecord[]> {
  const found: DeploymentRecord[] = [];
  for (const env of await context.environments.list(project.name))
    found.push(...(await context.deployments.page(env.id, 10_000)).filter((deployment) => isUnderWay(deployment.status)));
  return found;
}

/**
 * The images of these deployments that no deployment of the project with a release still runs (a promotion runs
 * the image of the deployment it promoted): removed. How many went.
 */
export async function removeUnneededImages(context: ServerContext, project: ProjectRecord, gone: readonly DeploymentRecord[]): Promise<number> {
  if (gone.length === 0) return 0;
  const needed = new Set<string>();
  for (const env of await context.environments.list(project.name))
    for (const deployment of await context.deployments.page(env.id, 10_000))
      if (deployment.releaseDir !== null || isUnderWay(deployment.status)) needed.add(imageOf(project, deployment));
  let removed = 0;
  for (const image of new Set(gone.map((deployment) => imageOf(project, deployment))))
    if (!needed.has(image) && (await context.backend.removeImage(image))) removed += 1;
  return removed;
}
