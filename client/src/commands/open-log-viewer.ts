import type { Deployment } from '../api/staging-api';
import { logViewerTitle, type LogViewerKey, type LogViewerPanel } from '../panels/log-viewer-panel';
import type { OpenPanels } from '../panels/panel-host';
import type { CommandContext } from './command-context';
import { deploymentFrom, environmentFrom } from './pickers';

function isDeployment(value: unknown): value is Deployment {
  if (typeof value !== 'object' || value === null) return false;
  const d = value as Partial<Record<keyof Deployment, unknown>>;
  return typeof d.id === 'string' && typeof d.environment === 'string' && typeof d.project === 'string' && typeof d.status === 'string';
}

/** The deployment to show: a deployment, a tree node holding one, a deployment id, or one picked from an environment. */
async function deploymentToShow(context: CommandContext, arg: unknown): Promise<Deployment | undefined> {
  if (isDeployment(arg)) return arg;
  if (typeof arg === 'object' && arg !== null && 'deployment' in arg && isDeployment(arg.deployment)) return arg.deployment;
  if (typeof arg === 'string') return context.session.api.deployment(arg);
  const env = await environmentFrom(context, arg, { includeProduction: true });
  if (!env) return undefined;
  return deploymentFrom(context, undefined, env, () => true, `Log of a deployment of ${env.name}`);
}

/** staging.openLogViewer: the log viewer panel of a deployment (from the tree, the dashboard, or picked). */
export function openLogViewer(panels: OpenPanels<LogViewerKey, LogViewerPanel>) {
  return async (context: CommandContext, arg?: unknown): Promise<LogViewerPanel | undefined> => {
    const deployment = await deploymentToShow(context, arg);
    return deployment ? panels.show({ deploymentId: deployment.id, deployment }, logViewerTitle(deployment)) : undefined;
  };
}
