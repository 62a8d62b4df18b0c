import * as vscode from 'vscode';
import { isDashboardCommand, type DashboardRow, type DashboardUpdate } from '../../../webview/src/dashboard/protocol';
import type { Environment } from '../api/staging-api';
import type { CommandContext } from '../commands/command-context';
import { webviewHtml, webviewRoot } from './webview-html';

const style = `
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: top; }
    .status.active { color: var(--vscode-testing-iconPassed); }
    .status.error { color: var(--vscode-testing-iconFailed); }
    .status.building { color: var(--vscode-charts-yellow); }
    .actions vscode-button { margin: 0 4px 4px 0; }`;

/**
 * The dashboard: every environment with its status, last deployment and quick actions. One panel at a
 * time; it waits for the page's `ready` before posting, and is restored after a reload by its serializer.
 */
export class DashboardPanel implements vscode.Disposable {
  static readonly viewType = 'staging.dashboard';
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  /** How many rows the page last rendered (it reports back), for tests and diagnostics. */
  renderedRows: number | undefined;
  private readonly rendered = new vscode.EventEmitter<number>();
  readonly onDidRender = this.rendered.event;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    private readonly context: CommandContext,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(extension)] };
    panel.webview.html = webviewHtml(panel.webview, extension, 'dashboard', 'Staging dashboard', style);
    this.disposables.push(
      this.rendered,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      context.events.onEnvironment(() => void this.post()),
      context.events.onDeployment(() => void this.post()),
      context.events.onState(() => void this.post()),
    );
  }

  static show(extension: vscode.ExtensionContext, context: CommandContext): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DashboardPanel.viewType, 'Staging Dashboard', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot(extension)],
    });
    return DashboardPanel.restore(panel, extension, context);
  }

  static restore(panel: vscode.WebviewPanel, extension: vscode.ExtensionContext, context: CommandContext): DashboardPanel {
    DashboardPanel.current = new DashboardPanel(panel, extension, context);
    return DashboardPanel.current;
  }

  private async receive(message: unknown): Promise<void> {
    if (!isDashboardCommand(message)) return;
    const env = (project: string, name: string): Environment | undefined => this.context.tree.environments.get(`${project}/${name}`);
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.post();
        break;
      case 'rendered':
        this.renderedRows = message.rows;
        this.rendered.fire(message.rows);
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

  private async post(): Promise<void> {
    if (!this.ready || this.context.session.state !== 'signedIn') return;
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
    const update: DashboardUpdate = { type: 'state', rows, connected: this.context.events.state !== 'disconnected' };
    await this.panel.webview.postMessage(update);
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}
