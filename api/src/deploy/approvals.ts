import { randomUUID } from 'node:crypto';
import type { components } from '../../../common/src/api/schema';
import type { StagingConfig } from '../../../common/src/config/model';
import type { Principal } from '../security/tokens';
import { allows } from '../security/tokens';
import type { DeploymentRecord } from '../store/records';
import type { ReviewRecord } from '../store/reviews';
import { type ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import { stagingConfig } from './project-config';

export interface ApprovalState {
  required: number;
  /** Who may review; empty = anyone allowed to deploy. */
  reviewers: string[];
  approvedBy: string[];
  changesRequestedBy: string[];
  /** Whether promotion may go ahead. */
  met: boolean;
}

/** How a preview link visitor's review is recorded when it does not count (see visitorReviewer). */
export const VISITOR_REVIEWER_PREFIX = 'visitor:';

/**
 * Each reviewer's latest review counts, and only reviewers staging.yaml allows; a `visitor:` review (a
 * preview visitor's, under a name nobody vouched for) never does.
 */
export function approvalState(approvals: StagingConfig['approvals'], reviews: ReviewRecord[]): ApprovalState {
  const latest = new Map<string, ReviewRecord>();
  for (const review of reviews) {
    if (review.reviewer.startsWith(VISITOR_REVIEWER_PREFIX)) continue;
    if (approvals.reviewers.length === 0 || approvals.reviewers.includes(review.reviewer)) latest.set(review.reviewer, review);
  }
  const approvedBy = [...latest.values()].filter((r) => r.decision === 'approve').map((r) => r.reviewer);
  const changesRequestedBy = [...latest.values()].filter((r) => r.decision === 'request_changes').map((r) => r.reviewer);
  const met = approvals.required === 0 || (changesRequestedBy.length === 0 && approvedBy.length >= approvals.required);
  return { required: approvals.required, reviewers: approvals.reviewers, approvedBy, changesRequestedBy, met };
}

/** Why promotion is refused (409), naming what is missing; nothing when the approvals are met. */
export function assertApproved(deployment: DeploymentRecord, state: ApprovalState): void {
  if (state.met) return;
  const short = deployment.commit?.slice(0, 12) ?? deployment.ref;
  const reason =
    state.changesRequestedBy.length > 0
      ? `changes were requested by ${state.changesRequestedBy.join(', ')}`
      : `it has ${state.approvedBy.length} of the ${state.required} approvals staging.yaml requires${state.approvedBy.length > 0 ? ` (from ${state.approvedBy.join(', ')})` : ''}`;
  throw new ClientError(409, `Deployment ${deployment.id} (${short}) cannot be promoted yet: ${reason}.`, {
    field: '/body/deployment_id',
    approvals: presentApprovalState(state),
  });
}

/**
 * Who a preview link visitor's review is recorded as: `visitor:<the name they typed>`, which never counts
 * toward promotion. The page a visitor reviews from runs the preview's own code on the same origin as the
 * widget, so that code can post anything the visitor could; and whoever can make a link could label it with
 * any reviewer's name. Reviews that gate promotion come from reviewers' own tokens (VS Code, the API).
 */
export function visitorReviewer(name: string): string {
  return `${VISITOR_REVIEWER_PREFIX}${name}`;
}

/** Whether `reviewer` made the deployment: its deployer, or the same person through a Git host (`github:alice`). */
export function isDeployer(deployment: Pick<DeploymentRecord, 'deployedBy'>, reviewer: string): boolean {
  const by = deployment.deployedBy;
  return by === reviewer || by.slice(by.indexOf(':') + 1) === reviewer;
}

/** Only a staging deployment that went live is reviewed (409 otherwise). */
export function assertReviewable(deployment: DeploymentRecord): void {
  if (deployment.environment === 'production' || deployment.sourceDeploymentId)
    throw new ClientError(409, `Deployment ${deployment.id} is a production deployment: review the staging deployment it was promoted from.`, {
      field: '/params/deployment',
    });
  if (!['live', 'superseded', 'rolled_back'].includes(deployment.status))
    throw new ClientError(409, `Deployment ${deployment.id} is ${deployment.status}: only a deployment that went live can be reviewed.`, {
      field: '/params/deployment',
    });
}

/** Stores a review and announces it (`approval.given` / `approval.changes_requested`); the deployment's reviews and approval state after it. */
export async function recordReview(
  context: ServerContext,
  deployment: DeploymentRecord,
  review: Omit<ReviewRecord, 'id' | 'deploymentId' | 'createdAt'>,
): Promise<{ reviews: ReviewRecord[]; state: ApprovalState }> {
  assertReviewable(deployment);
  await context.reviews.insert({ ...review, id: randomUUID(), deploymentId: deployment.id, createdAt: new Date().toISOString() });
  const project = await context.projects.get(deployment.project);
  const reviews = await context.reviews.list(deployment.id);
  const state = approvalState(stagingConfig(project!.config).approvals, reviews);
  await context.events.publish(review.decision === 'approve' ? 'approval.given' : 'approval.changes_requested', {
    project: deployment.project,
    environment: deployment.environment,
    deployment_id: deployment.id,
    reviewer: review.reviewer,
    comment: review.comment,
    preview_link_id: review.previewLinkId,
    approvals: presentApprovalState(state),
  });
  return { reviews, state };
}

/** Who may review a deployment: a reviewer staging.yaml names (or, when it names none, anyone allowed to deploy), never its own deployer's approval. */
export function assertMayReview(
  principal: Principal,
  deployment: DeploymentRecord,
  approvals: StagingConfig['approvals'],
  decision: ReviewRecord['decision'],
): void {
  if (approvals.reviewers.length > 0 && !approvals.reviewers.includes(principal.name))
    throw new ClientError(403, `Only the reviewers staging.yaml names may review deployments of this project: ${approvals.reviewers.join(', ')}.`);
  if (approvals.reviewers.length === 0 && !allows(principal, 'deploy'))
    throw new ClientError(403, `Reviewing needs the deploy scope, or a name among staging.yaml's approvals.reviewers.`);
  if (decision === 'approve' && isDeployer(deployment, principal.name))
    throw new ClientError(403, `${principal.name} deployed ${deployment.id}: its approval must come from someone else.`);
}

export function presentApprovalState(state: ApprovalState): components['schemas']['ApprovalState'] {
  return {
    required: state.required,
    reviewers: state.reviewers,
    approved_by: state.approvedBy,
    changes_requested_by: state.changesRequestedBy,
    met: state.met,
  };
}
