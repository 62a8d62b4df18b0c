import * as vscode from 'vscode';
import type { Deployment } from './api/staging-api';
import type { LiveEvents } from './live-events';
import type { Session } from './session';
import { workspaceProjects } from './workspace-projects';

/**
 * Tells about deployments of this workspace's projects that finish or fail when this window did not start
 * them (a push webhook, a teammate): those started here report through their own progress.
 */
export class DeploymentNotifier implements vscode.Disposable {
  private readonly startedHere = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(
    events: LiveEvents,
    private readonly session: Session,
  ) {
    this.subscription = events.onDeployment((deployment) => void this.notify(deployment));
  }

  /** A deployment this window started and follows itself. */
  followedHere(id: string): void {
    this.startedHere.add(id);
  }

  private async notify(deployment: Deployment): Promise<void> {
    if (this.startedHere.has(deployment.id) || (deployment.status !== 'live' && deployment.status !== 'failed')) return;
    if (!(await workspaceProjects()).some((p) => p.name === deployment.project)) return;
    const what = `${deployment.ref} (${deployment.commit?.slice(0, 7) ?? '?'}) by ${deployment.deployed_by}`;
    const choice =
      deployment.status === 'live'
        ? await vscode.window.showInformationMessage(`${what} is live on ${deployment.environment}.`, 'Open', 'Logs')
        : await vscode.window.showWarningMessage(`${what} failed on ${deployment.environment}: ${deployment.reason ?? 'see the log'}`, 'Logs', 'Roll Back');
    if (choice === 'Logs') await vscode.commands.executeCommand('staging.openLogViewer', deployment);
    if (choice === 'Open' || choice === 'Roll Back') {
      const env = await this.session.api.environment(deployment.project, deployment.environment);
      await vscode.commands.executeCommand(choice === 'Open' ? 'staging.openUrl' : 'staging.rollback', env);
    }
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
