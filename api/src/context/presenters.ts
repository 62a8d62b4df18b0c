import type { components } from '../../../common/src/api/schema';
import type { ApiDeployment, ApiEnvironment, ApiProject, ApiWebhookDelivery, DeploymentRecord, EnvironmentRecord, ProjectRecord } from '../store/records';
import type { WebhookDeliveryRecord } from '../store/webhook-deliveries';
import type { ReviewRecord } from '../store/reviews';
import type { ServerContext } from './server-context';

export function presentDeployment(d: DeploymentRecord): ApiDeployment {
  return {
    id: d.id,
    project: d.project,
    environment: d.environment,
    ref: d.ref,
    commit: d.commit,
    status: d.status,
    deployed_by: d.deployedBy,
    reason: d.reason,
    created_at: d.createdAt,
    started_at: d.startedAt,
    completed_at: d.completedAt,
    source_deployment_id: d.sourceDeploymentId,
    issue_keys: d.issueKeys,
    config_differs: d.configDiffers,
  };
}

export async function presentEnvironment(context: ServerContext, env: EnvironmentRecord): Promise<ApiEnvironment> {
  const live = env.liveDeploymentId ? await context.deployments.get(env.liveDeploymentId) : undefined;
  return {
    name: env.name,
    project: env.project,
    kind: env.kind,
    status: env.status,
    url: context.previewUrl(env.project, env.kind === 'production' ? null : env.name),
    branch: env.branch,
    last_commit: live?.commit ?? null,
    live_deployment_id: env.liveDeploymentId,
    created_at: env.createdAt,
    updated_at: env.updatedAt,
    expires_at: env.expiresAt,
    resources: env.resources,
  };
}

export function presentProject(project: ProjectRecord, productionBranch: string, productionUrl: string): ApiProject {
  return {
    name: project.name,
    repository: project.repository,
    config: project.config,
    config_path: project.configPath,
    production_branch: productionBranch,
    production_url: productionUrl,
    created_at: project.createdAt,
    webhook_secret_set: true,
  };
}

/** A delivery as the log shows it: the URL without credentials, never the secret or the URL in the clear. */
export function presentWebhookDelivery(d: WebhookDeliveryRecord): ApiWebhookDelivery {
  return {
    id: d.id,
    project: d.project,
    webhook_url: d.webhookUrl,
    event: d.event,
    format: d.format,
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    status: d.status,
    attempts: d.attempts,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    next_attempt_at: d.nextAttemptAt,
    created_at: d.createdAt,
    delivered_at: d.deliveredAt,
  };
}

export function presentReview(review: ReviewRecord): components['schemas']['Review'] {
  return {
    id: review.id,
    deployment_id: review.deploymentId,
    reviewer: review.reviewer,
    decision: review.decision,
    comment: review.comment,
    preview_link_id: review.previewLinkId,
    created_at: review.createdAt,
  };
}
