import * as vscode from 'vscode';
import type { Deployment } from './api/staging-api';
import type { LiveEvents } from './live-events';
import type { LogStreams } from './log-streams';
import { workspaceProjects } from './workspace-projects';

/**
 * Tells about deployments of this workspace's projects that finish or fail when this window did not start
 * them (a push webhook, a teammate): those started here report through their own progress.
 */
export class DeploymentNotifier implements vscode.Disposable {
  private readonly startedHere = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(events: LiveEvents, logs: LogStreams) {
    this.subscription = events.onDeployment((deployment) => void this.notify(deployment, logs));
  }

  /** A deployment this window started and follows itself. */
  followedHere(id: string): void {
    this.startedHere.add(id);
  }

  private async notify(deployment: Deployment, logs: LogStreams): Promise<void> {
    if (this.startedHere.has(deployment.id) || (deployment.status !== 'live' && deployment.status !== 'failed')) return;
    if (!(await workspaceProjects()).some((p) => p.name === deployment.project)) return;
    const what = `${deployment.ref} (${deployment.commit?.slice(0, 7) ?? '?'}) by ${deployment.deployed_by}`;
    const choice =
      deployment.status === 'live'
        ? await vscode.window.showInformationMessage(`${what} is live on ${deployment.environment}.`, 'Logs')
        : await vscode.window.showWarningMessage(`${what} failed on ${deployment.environment}: ${deployment.reason ?? 'see the log'}`, 'Logs', 'Roll Back');
    if (choice === 'Logs') logs.show(deployment);
    if (choice === 'Roll Back')
      await vscode.commands.executeCommand('staging.rollback', { project: deployment.project, name: deployment.environment, kind: 'fixed' });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
