import type { components } from '../../../common/src/api/schema';

export type ApiProject = components['schemas']['Project'];
export type ApiEnvironment = components['schemas']['Environment'];
export type ApiDeployment = components['schemas']['Deployment'];
export type EnvironmentStatus = components['schemas']['EnvironmentStatus'];
export type DeploymentStatus = components['schemas']['DeploymentStatus'];
export type ApiWebhookDelivery = components['schemas']['WebhookDelivery'];
export type EnvironmentKind = ApiEnvironment['kind'];

export interface ProjectRecord {
  name: string;
  repository: string;
  config: string;
  configPath: string;
  webhookSecret: string;
  createdAt: string;
}

export interface EnvironmentRecord {
  id: string;
  project: string;
  name: string;
  kind: EnvironmentKind;
  status: EnvironmentStatus;
  branch: string | null;
  autoDeploy: boolean;
  liveDeploymentId: string | null;
  resources: { cpu?: number; memory?: number };
  createdAt: string;
  updatedAt: string;
  lastPushAt: string | null;
  expiresAt: string | null;
}

export interface DeploymentRecord {
  id: string;
  environmentId: string;
  project: string;
  environment: string;
  seq: number;
  ref: string;
  commit: string | null;
  status: DeploymentStatus;
  deployedBy: string;
  reason: string | null;
  sourceDeploymentId: string | null;
  /** `ABC-123` / `#45` found in the branch name and the deployed commits' messages. */
  issueKeys: string[];
  configDiffers: boolean;
  releaseDir: string | null;
  port: number | null;
  pid: number | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** The replica that runs it (builds it, serves its release); null for one made before replicas. */
  owner: string | null;
}

export function now(): string {
  return new Date().toISOString();
}

/** A new, never deployed (stopped) environment. */
export function newEnvironment(
  fields: Pick<EnvironmentRecord, 'project' | 'name' | 'kind' | 'branch' | 'resources'> &
    Partial<Pick<EnvironmentRecord, 'autoDeploy' | 'lastPushAt' | 'expiresAt'>>,
): EnvironmentRecord {
  const created = now();
  return {
    id: crypto.randomUUID(),
    status: 'stopped',
    autoDeploy: true,
    liveDeploymentId: null,
    createdAt: created,
    updatedAt: created,
    lastPushAt: null,
    expiresAt: null,
    ...fields,
  };
}
