import type { DeploymentRecord, ProjectRecord } from '../store/records';

/** A deployment's image (container backend): a promotion runs the very image of the deployment it promotes. */
export function imageOf(project: ProjectRecord, deployment: DeploymentRecord): string {
  return `stagingd/${project.name}:${deployment.sourceDeploymentId ?? deployment.id}`;
}
