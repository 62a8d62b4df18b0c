import type { components } from '../../../../common/src/api/schema';
import { approvalState, assertMayReview, recordReview } from '../../deploy/approvals';
import { ClientError } from '../../context/client-error';
import { presentApprovalState } from '../../deploy/approvals';
import { presentReview } from '../../context/presenters';
import { stagingConfig } from '../../deploy/project-config';
import type { DeploymentRecord } from '../../store/records';
import type { Handlers } from '../operation-types';
import { principalOf, type Services } from '../request-context';

type ReviewList = components['schemas']['ReviewList'];

export function reviewHandlers(services: Services) {
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

  return {
    listReviews: async (request): Promise<ReviewList> => {
      const deployment = await deploymentOf(request.params.deployment);
      const reviews = await context.reviews.list(deployment.id);
      return { items: reviews.map(presentReview), approvals: presentApprovalState(approvalState(await approvalsOf(deployment), reviews)) };
    },
    createReview: async (request, reply) => {
      const deployment = await deploymentOf(request.params.deployment);
      const body = request.body;
      const principal = principalOf(request);
      assertMayReview(principal, deployment, await approvalsOf(deployment), body.decision);
      const { reviews, state } = await recordReview(context, deployment, {
        reviewer: principal.name,
        decision: body.decision,
        comment: body.comment ?? null,
        previewLinkId: null,
      });
      return reply.code(201).send({ items: reviews.map(presentReview), approvals: presentApprovalState(state) } satisfies ReviewList);
    },
  } satisfies Partial<Handlers>;
}
