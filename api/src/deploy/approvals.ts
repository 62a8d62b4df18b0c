import type { StagingConfig } from '../../../common/src/config/model';
import type { Principal } from '../security/tokens';
import { allows } from '../security/tokens';
import type { DeploymentRecord } from '../store/records';
import type { ReviewRecord } from '../store/reviews';
import { ClientError } from './context';

export interface ApprovalState {
  required: number;
  /** Who may review; empty = anyone allowed to deploy. */
  reviewers: string[];
  approvedBy: string[];
  changesRequestedBy: string[];
  /** Whether promotion may go ahead. */
  met: boolean;
}

/** Each reviewer's latest review counts, and only reviewers staging.yaml allows. */
export function approvalState(approvals: StagingConfig['approvals'], reviews: ReviewRecord[]): ApprovalState {
  const latest = new Map<string, ReviewRecord>();
  for (const review of reviews) if (approvals.reviewers.length === 0 || approvals.reviewers.includes(review.reviewer)) latest.set(review.reviewer, review);
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
  throw new ClientError(409, `Deployment ${deployment.id} (${short}) cannot be promoted yet: ${reason}.`, { field: '/body/deployment_id', approvals: state });
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
  if (decision === 'approve' && deployment.deployedBy === principal.name)
    throw new ClientError(403, `${principal.name} deployed ${deployment.id}: its approval must come from someone else.`);
}
