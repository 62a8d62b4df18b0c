import * as vscode from 'vscode';
import type { Deployment, ReviewList } from '../api/staging-api';
import { DeploymentNode } from '../tree/nodes';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

/** "2 of 2 approvals (alice, bob)", or what blocks them. */
export function describeApprovals(approvals: ReviewList['approvals']): string {
  if (approvals.required === 0) return 'No approvals required.';
  const given = `${approvals.approved_by.length} of ${approvals.required} approvals${approvals.approved_by.length > 0 ? ` (${approvals.approved_by.join(', ')})` : ''}`;
  return approvals.changes_requested_by.length > 0 ? `${given}; changes requested by ${approvals.changes_requested_by.join(', ')}` : given;
}

/** The deployment a review is about: the tree's deployment node, or the environment's live one. */
async function deploymentToReview(context: CommandContext, arg: unknown): Promise<Deployment | undefined> {
  if (arg instanceof DeploymentNode) return arg.deployment;
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  if (!env.live_deployment_id) throw new Error(`${env.name} has nothing live to review.`);
  return context.session.api.deployment(env.live_deployment_id);
}

async function review(context: CommandContext, arg: unknown, decision: 'approve' | 'request_changes'): Promise<ReviewList | undefined> {
  const deployment = await deploymentToReview(context, arg);
  if (!deployment) return undefined;
  const what = `${deployment.ref} (${deployment.commit?.slice(0, 12) ?? '?'}) on ${deployment.environment}`;
  const comment = await vscode.window.showInputBox({
    title: decision === 'approve' ? `Approve ${what}` : `Request changes to ${what}`,
    prompt: decision === 'approve' ? 'A comment for the team (optional)' : 'What needs to change',
    validateInput: (value) => (decision === 'request_changes' && value.trim() === '' ? 'Say what needs to change.' : undefined),
  });
  if (comment === undefined) return undefined;
  const result = await context.session.api.review(deployment.id, decision, comment.trim() || undefined);
  await context.followed.set(deployment.project, deployment.environment, true);
  const ready = result.approvals.met && result.approvals.required > 0 ? ' It can be promoted to production.' : '';
  void vscode.window.showInformationMessage(
    `${decision === 'approve' ? 'Approved' : 'Requested changes to'} ${what}: ${describeApprovals(result.approvals)}.${ready}`,
  );
  return result;
}

export const approve = (context: CommandContext, arg?: unknown) => review(context, arg, 'approve');
export const requestChanges = (context: CommandContext, arg?: unknown) => review(context, arg, 'request_changes');
