import * as vscode from 'vscode';
import { isDashboardCommand, type DashboardCommand, type DashboardRow, type DashboardUpdate } from '../../../webview/src/dashboard/protocol';
import { dashboardStyle } from '../../../webview/src/dashboard/style';
import type { Environment } from '../api/staging-api';
import type { CommandContext } from '../commands/command-context';
import { OpenPanels, PanelHost } from './panel-host';

type DashboardRendered = Omit<Extract<DashboardCommand, { type: 'rendered' }>, 'type'>;

/**
 * The dashboard: every environment with its status, last deployment and quick actions. One panel; it follows the
 * environment and deployment events, and is restored after a reload by its serializer.
 */
export class DashboardPanel extends PanelHost<DashboardCommand, DashboardUpdate, DashboardRendered> {
  static readonly viewType = 'staging.dashboard';

  /** The dashboard is one panel: whatever its page kept, a reload restores it. */
  static panels(extension: vscode.ExtensionContext, context: CommandContext): OpenPanels<unknown, DashboardPanel> {
    return new OpenPanels(
      extension,
      DashboardPanel.viewType,
      () => 'dashboard',
      (_state: unknown): _state is unknown => true,
      (panel) => new DashboardPanel(panel, extension, context),
    );
  }

  private constructor(panel: vscode.WebviewPanel, extension: vscode.ExtensionContext, context: CommandContext) {
    super(panel, extension, context, { script: 'dashboard', title: 'Staging dashboard', style: dashboardStyle, isCommand: isDashboardCommand });
    this.disposables.push(
      context.events.onEnvironment(() => void this.refresh()),
      context.events.onDeployment(() => void this.refresh()),
      context.events.onState(() => void this.refresh()),
    );
  }

  protected async handle(message: DashboardCommand): Promise<void> {
    const env = (project: string, name: string): Environment | undefined => this.context.tree.environments.get(`${project}/${name}`);
    switch (message.type) {
      case 'ready':
        await this.refresh();
        break;
      case 'rendered':
        break;
      case 'deploy':
        await vscode.commands.executeCommand('staging.deploy', env(message.project, message.environment));
        break;
      case 'open':
        await vscode.commands.executeCommand('staging.openUrl', env(message.project, message.environment));
        break;
      case 'details':
        await vscode.commands.executeCommand('staging.openEnvironment', env(message.project, message.environment));
        break;
      case 'rollback':
        await vscode.commands.executeCommand('staging.rollback', env(message.project, message.environment));
        break;
      case 'logs':
        await vscode.commands.executeCommand('staging.openLogViewer', message.deploymentId);
        break;
    }
  }

  protected override async load(): Promise<DashboardUpdate | undefined> {
    if (this.context.session.state !== 'signedIn') return undefined;
    const api = this.context.session.api;
    const rows: DashboardRow[] = [];
    for (const project of await api.projects()) {
      for (const env of await api.environments(project.name)) {
        this.context.tree.environments.set(`${env.project}/${env.name}`, env);
        const last = (await api.deployments(env.project, env.name, 1))[0];
        rows.push({
          project: env.project,
          environment: env.name,
          kind: env.kind,
          status: env.status,
          url: env.url,
          branch: env.branch,
          last: last ? { id: last.id, ref: last.ref, commit: last.commit, status: last.status, by: last.deployed_by, at: last.created_at } : null,
        });
      }
    }
    return { type: 'state', rows, connected: this.context.events.state !== 'disconnected' };
  }
}
