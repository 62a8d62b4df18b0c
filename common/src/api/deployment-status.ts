import type { components } from './schema';

type DeploymentStatus = components['schemas']['DeploymentStatus'];

/** A deployment that has not ended: it can be cancelled, and a restart of stagingd marks it failed. */
export const underWayStatuses: readonly DeploymentStatus[] = ['queued', 'building', 'starting'];

export function isUnderWay(status: DeploymentStatus): boolean {
  return underWayStatuses.includes(status);
}
