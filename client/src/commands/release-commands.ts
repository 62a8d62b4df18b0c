import * as vscode from 'vscode';
import { isUnderWay } from '../../../common/src/api/deployment-status';
import type { Deployment, Environment } from '../api/staging-api';
import { DeploymentNode } from '../tree/nodes';
import type { CommandContext } from './command-context';
import { deploymentFrom, environmentFrom } from './pickers';
import { describeApprovals } from './review-commands';
import { openPreview } from '../open-preview';

export async function rollback(context: CommandContext, arg?: unknown): Promise<Deployment | undefined> {
  const env = await environmentFrom(context, arg, { includeProduction: true });
  if (!env) return undefined;
  const target = await deploymentFrom(context, arg, env, (d) => d.status === 'superseded' || d.status === 'rolled_back', `Roll ${env.name} back to…`);
  if (!target) return undefined;
  const live = await context.session.api.rollback(env.project, env.name, target.id);
  void vscode.window.showInformationMessage(`${env.name} serves ${live.ref} (${live.commit?.slice(0, 12) ?? '?'}) again.`);
  return live;
}

/** Deployments that can still be cancelled: not live or ended yet. */
export const inProgress = (d: Pick<Deployment, 'status'>): boolean => isUnderWay(d.status);

/** Cancels a deployment under way (from the tree, the log viewer, or picked); the live release keeps serving. */
export async function cancelDeployment(context: CommandContext, arg?: unknown): Promise<Deployment | undefined> {
  let deployment = isDeployment(arg) ? arg : undefined;
  if (!deployment) {
    const env = await environmentFrom(context, arg, { includeProduction: true });
    if (!env) return undefined;
    deployment = await deploymentFrom(context, arg, env, inProgress, `Cancel a deployment of ${env.name}`);
  }
  if (!deployment) return undefined;
  const cancelled = await context.session.api.cancelDeployment(deployment.id);
  void vscode.window.showInformationMessage(`Cancelling ${deployment.ref} on ${deployment.environment}; what was live keeps serving.`);
  return cancelled;
}

function isDeployment(arg: unknown): arg is Deployment {
  return typeof arg === 'object' && arg !== null && !(arg instanceof DeploymentNode) && typeof (arg as { id?: unknown }).id === 'string' && 'status' in arg;
}

export async function promote(context: CommandContext, arg?: unknown): Promise<Deployment | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const source =
    arg instanceof DeploymentNode ? arg.deployment : env.live_deployment_id ? await context.session.api.deployment(env.live_deployment_id) : undefined;
  if (!source) throw new Error(`${env.name} has nothing live to promote.`);
  const { approvals } = await context.session.api.reviews(source.id);
  const confirm = await vscode.window.showWarningMessage(
    `Promote ${source.ref} (commit ${source.commit?.slice(0, 12) ?? '?'}) from ${env.name} to production?`,
    { modal: true, detail: `Production will run the exact build that runs on staging now. ${describeApprovals(approvals)}` },
    'Promote',
  );
  if (confirm !== 'Promote') return undefined;
  const deployment = await context.session.api.promote(env.project, source.id);
  void vscode.window.showInformationMessage(`Promoting ${source.commit?.slice(0, 12) ?? source.ref} to production.`);
  return deployment;
}

export async function showLogs(context: CommandContext, arg?: unknown): Promise<void> {
  if (arg instanceof DeploymentNode) {
    context.logs.show(arg.deployment);
    return;
  }
  const env = await environmentFrom(context, arg, { includeProduction: true });
  if (!env) return;
  const deployment = await deploymentFrom(context, undefined, env, () => true, `Logs of a deployment of ${env.name}`);
  if (deployment) context.logs.show(deployment);
}

export async function openUrl(context: CommandContext, arg?: unknown): Promise<Environment | undefined> {
  const env = await environmentFrom(context, arg, { includeProduction: true });
  if (env) await openPreview(env.url);
  return env;
}
