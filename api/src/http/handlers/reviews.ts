import { randomUUID } from 'node:crypto';
import type { components } from '../../../../common/src/api/schema';
import { approvalState, assertMayReview, type ApprovalState } from '../../deploy/approvals';
import { ClientError } from '../../deploy/context';
import { stagingConfig } from '../../deploy/project-config';
import type { DeploymentRecord } from '../../store/records';
import type { ReviewRecord } from '../../store/reviews';
import type { Handler } from '../openapi-routes';
import { principalOf, type Services } from '../request-context';

type ReviewList = components['schemas']['ReviewList'];

function presentReview(review: ReviewRecord): components['schemas']['Review'] {
  return {
    id: review.id,
    deployment_id: review.deploymentId,
    reviewer: review.reviewer,
    decision: review.decision,
    comment: review.comment,
    created_at: review.createdAt,
  };
}

function presentState(state: ApprovalState): ReviewList['approvals'] {
  return {
    required: state.required,
    reviewers: state.reviewers,
    approved_by: state.approvedBy,
    changes_requested_by: state.changesRequestedBy,
    met: state.met,
  };
}

export function reviewHandlers(services: Services): Record<string, Handler> {
  const { context } = services;

  async function deploymentOf(id: string): Promise<DeploymentRecord> {
    const deployment = await context.deployments.get(id);
    if (!deployment) throw new ClientError(404, `No deployment ${id}.`, { field: '/params/deployment' });
    return deployment;
  }

  async function approvalsOf(deployment: DeploymentRecord) {
    const project = await context.projects.get(deployment.project);
    return stagingConfig(project!.config).approvals;
  }

  async function list(deployment: DeploymentRecord): Promise<ReviewList> {
    const reviews = await context.reviews.list(deployment.id);
    return { items: reviews.map(presentReview), approvals: presentState(approvalState(await approvalsOf(deployment), reviews)) };
  }

  return {
    listReviews: async (request) => list(await deploymentOf((request.params as { deployment: string }).deployment)),
    createReview: async (request, reply) => {
      const deployment = await deploymentOf((request.params as { deployment: string }).deployment);
      const body = request.body as components['schemas']['ReviewCreate'];
      const principal = principalOf(request);
      assertMayReview(principal, deployment, await approvalsOf(deployment), body.decision);
      if (deployment.environment === 'production' || deployment.sourceDeploymentId)
        throw new ClientError(409, `Deployment ${deployment.id} is a production deployment: review the staging deployment it was promoted from.`, {
          field: '/params/deployment',
        });
      if (!['live', 'superseded', 'rolled_back'].includes(deployment.status))
        throw new ClientError(409, `Deployment ${deployment.id} is ${deployment.status}: only a deployment that went live can be reviewed.`, {
          field: '/params/deployment',
        });
      const review: ReviewRecord = {
        id: randomUUID(),
        deploymentId: deployment.id,
        reviewer: principal.name,
        decision: body.decision,
        comment: body.comment ?? null,
        createdAt: new Date().toISOString(),
      };
      await context.reviews.insert(review);
      const result = await list(deployment);
      await context.events.publish(body.decision === 'approve' ? 'approval.given' : 'approval.changes_requested', {
        project: deployment.project,
        environment: deployment.environment,
        deployment_id: deployment.id,
        reviewer: review.reviewer,
        comment: review.comment,
        approvals: result.approvals,
      });
      return reply.code(201).send(result);
    },
  };
}
