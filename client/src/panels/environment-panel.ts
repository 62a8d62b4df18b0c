import * as vscode from 'vscode';
import {
  isEnvironmentCommand,
  isEnvironmentKey,
  type DeploymentRow,
  type EnvironmentCommand,
  type EnvironmentKey,
  type EnvironmentState,
  type EnvironmentUpdate,
  type Rendered,
  type VariableUpdate,
} from '../../../webview/src/environment/protocol';
import { ApiError, type Deployment, type Environment } from '../api/staging-api';
import { reportError, type CommandContext } from '../commands/command-context';
import { deployRef } from '../commands/deploy';
import { gitRefs } from '../git-refs';
import { DeploymentNode } from '../tree/nodes';
import { workspaceProjects } from '../workspace-projects';
import { environmentSettings } from './environment-config';
import { panelSerializer } from './panel-serializer';
import { webviewHtml, webviewRoot } from './webview-html';

const style = `
    header h1 { margin-bottom: 4px; }
    header .facts { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: center; }
    section { margin: 12px 0; }
    vscode-collapsible { margin-top: 8px; }
    .body { padding: 8px 12px; }
    table { border-collapse: collapse; width: 100%; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--vscode-panel-border); vertical-align: middle; }
    td vscode-textfield { width: 100%; }
    .status.active, .status.live { color: var(--vscode-testing-iconPassed); }
    .status.error, .status.failed { color: var(--vscode-testing-iconFailed); }
    .status.building, .status.queued, .status.starting { color: var(--vscode-charts-yellow); }
    .status.stopped, .status.superseded, .status.rolled_back { color: var(--vscode-disabledForeground); }
    .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
    .controls vscode-single-select { min-width: 16em; }
    .actions vscode-button, .form-actions vscode-button { margin: 0 4px 4px 0; }
    .error { color: var(--vscode-errorForeground); }
    .banner { padding: 6px 8px; border-left: 3px solid var(--vscode-editorWarning-foreground); background: var(--vscode-textBlockQuote-background); }
    a { color: var(--vscode-textLink-foreground); }
    a:hover { color: var(--vscode-textLink-activeForeground); }
    code { font-family: var(--vscode-editor-font-family); }`;

/** How many deployments the history shows. */
const historyLength = 50;

function keyOf(key: EnvironmentKey): string {
  return `${key.project}/${key.environment}`;
}

/**
 * One environment in detail: status and URL, deploy controls, deployment history, variables (secrets
 * masked and write-only), database sync and preview links. One panel per environment; it waits for the
 * page's `ready` before posting, follows the live events of that environment, and is restored after a
 * reload by its serializer from the state the page keeps (project and environment name).
 */
export class EnvironmentPanel implements vscode.Disposable {
  static readonly viewType = 'staging.environment';
  private static readonly open = new Map<string, EnvironmentPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private disposed = false;
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** What the page last rendered (it reports back), for tests and diagnostics. */
  rendered: Rendered | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<Rendered>();
  readonly onDidRender = this.renderedEmitter.event;
  /** The state last posted to the page: everything the page was given. */
  posted: EnvironmentState | undefined;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    private readonly context: CommandContext,
    readonly key: EnvironmentKey,
  ) {
    panel.title = `${key.environment} (${key.project})`;
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(extension)] };
    panel.webview.html = webviewHtml(panel.webview, extension, 'environment', 'Staging environment', style, { heading: false });
    const mine = (project: string, environment: string): boolean => project === key.project && environment === key.environment;
    this.disposables.push(
      this.renderedEmitter,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      context.events.onEnvironment((env) => {
        if (mine(env.project, env.name)) this.refresh();
      }),
      context.events.onDeployment((deployment) => {
        if (mine(deployment.project, deployment.environment)) this.refresh();
      }),
      context.events.onActivity((activity) => {
        if (mine(activity.project, activity.environment)) this.refresh();
      }),
      context.events.onState(() => this.refresh()),
      context.session.onDidChange(() => this.refresh()),
    );
  }

  static show(extension: vscode.ExtensionContext, context: CommandContext, env: Environment): EnvironmentPanel {
    const key = { project: env.project, environment: env.name };
    const existing = EnvironmentPanel.open.get(keyOf(key));
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(EnvironmentPanel.viewType, env.name, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot(extension)],
    });
    return EnvironmentPanel.restore(panel, extension, context, key);
  }

  static restore(panel: vscode.WebviewPanel, extension: vscode.ExtensionContext, context: CommandContext, key: EnvironmentKey): EnvironmentPanel {
    const restored = new EnvironmentPanel(panel, extension, context, key);
    EnvironmentPanel.open.set(keyOf(key), restored);
    return restored;
  }

  /** Restores a panel after a reload from the state its page kept: which environment it shows. */
  static serializer(extension: vscode.ExtensionContext, context: CommandContext): vscode.WebviewPanelSerializer<unknown> {
    return panelSerializer(
      isEnvironmentKey,
      (key) => EnvironmentPanel.open.has(keyOf(key)),
      (panel, key) => EnvironmentPanel.restore(panel, extension, context, key),
    );
  }

  private async receive(message: unknown): Promise<void> {
    if (!isEnvironmentCommand(message)) return;
    try {
      await this.handle(message);
    } catch (error) {
      await reportError(error, this.context);
    }
  }

  private async handle(message: EnvironmentCommand): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.refresh();
        break;
      case 'rendered': {
        const { type: _, ...rendered } = message;
        this.rendered = rendered;
        this.renderedEmitter.fire(rendered);
        break;
      }
      case 'refresh':
        this.refresh();
        break;
      case 'openUrl':
        await vscode.commands.executeCommand('staging.openUrl', await this.environment());
        break;
      case 'deploy':
        await deployRef(this.context, await this.environment(), message.ref);
        break;
      // The commands confirm (promote names the commit in a modal) and report their own errors.
      case 'promote':
        await vscode.commands.executeCommand(
          'staging.promote',
          message.deploymentId ? await this.deploymentNode(message.deploymentId) : await this.environment(),
        );
        break;
      case 'rollback':
        await vscode.commands.executeCommand(
          'staging.rollback',
          message.deploymentId ? await this.deploymentNode(message.deploymentId) : await this.environment(),
        );
        break;
      case 'logs':
        await vscode.commands.executeCommand('staging.openLogViewer', await this.deploymentNode(message.deploymentId));
        break;
      case 'saveVariables':
        await this.saveVariables(message.items);
        break;
      case 'sharePreview':
        await vscode.commands.executeCommand('staging.sharePreview', await this.environment());
        break;
      case 'revokePreview':
        await vscode.commands.executeCommand('staging.revokePreview', message.id);
        break;
    }
  }

  /** The environment as the API has it now. */
  private async environment(): Promise<Environment> {
    return this.context.session.api.environment(this.key.project, this.key.environment);
  }

  /** A deployment of this environment, as the tree's node, which the release commands take. */
  private async deploymentNode(id: string): Promise<DeploymentNode> {
    const [env, deployment] = await Promise.all([this.environment(), this.context.session.api.deployment(id)]);
    if (deployment.project !== env.project || deployment.environment !== env.name) throw new Error(`Deployment ${id} is not one of ${env.name}.`);
    return new DeploymentNode(env, deployment);
  }

  /** Saves the whole set; a refusal from the API (4xx) is shown next to the form, with the item at fault. */
  private async saveVariables(items: VariableUpdate[]): Promise<void> {
    try {
      await this.context.session.api.putVariables(this.key.project, this.key.environment, items);
    } catch (error) {
      const message = messageOf(error);
      const index = error instanceof ApiError ? /^\/body\/items\/(\d+)/.exec(error.problem?.field ?? '')?.[1] : undefined;
      await this.postUpdate({ type: 'variablesRefused', message, index: index === undefined ? null : Number(index) });
      const refused = error instanceof ApiError && error.status >= 400 && error.status < 500 && !error.unauthorized;
      if (!refused) throw error;
      return;
    }
    await this.postUpdate({ type: 'variablesSaved' });
    this.refresh();
  }

  /** Loads and posts the state; calls while one runs coalesce into one more run after it, so posts stay in order. */
  private refresh(): void {
    // A hidden page is gone (no retained context): it says `ready` again when shown.
    if (!this.ready || this.disposed || !this.panel.visible) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        await this.postUpdate(await this.load().catch((error: unknown) => ({ type: 'failed' as const, message: messageOf(error) })));
      } while (this.refreshAgain);
    })().finally(() => (this.refreshing = undefined));
  }

  private async load(): Promise<EnvironmentUpdate> {
    if (this.context.session.state !== 'signedIn') return { type: 'failed', message: 'Not signed in to the staging API: sign in to see this environment.' };
    const api = this.context.session.api;
    const { project, environment } = this.key;
    const env = await api.environment(project, environment).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    });
    if (!env) return { type: 'deleted', key: this.key };
    const [deployments, variables, local, links] = await Promise.all([
      api.deployments(project, environment, historyLength),
      api.variables(project, environment),
      this.local(env),
      env.kind === 'production' ? Promise.resolve([]) : api.previewLinks(project, environment),
    ]);
    local.previews.links = links.map((l) => ({
      id: l.id,
      label: l.label,
      status: l.status,
      createdBy: l.created_by,
      expiresAt: l.expires_at,
      lastUsedAt: l.last_used_at,
      passwordProtected: l.has_password,
    }));
    return {
      type: 'state',
      environment: {
        project,
        name: env.name,
        kind: env.kind,
        status: env.status,
        url: env.url,
        branch: env.branch,
        commit: env.last_commit,
        liveDeploymentId: env.live_deployment_id,
        expiresAt: env.expires_at,
      },
      deployments: deployments.map((d) => row(env, d)),
      // Secret values are write-only: never posted, whatever the API sent.
      variables: variables.map((v) => ({ name: v.name, secret: v.secret, value: v.secret ? null : v.value })),
      ...local,
      connected: this.context.events.state !== 'disconnected',
    };
  }

  /** What this workspace knows: staging.yaml's database sync and preview settings, and the git refs to deploy. */
  private async local(env: Environment): Promise<Pick<EnvironmentState, 'database' | 'previews' | 'refs'>> {
    const folder = (await workspaceProjects()).find((p) => p.name === env.project);
    if (!folder)
      return {
        database: { configured: false, why: `the staging.yaml of ${env.project} is not in this workspace` },
        previews: { links: [], settings: null },
        refs: { branches: [], tags: [], current: null },
      };
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(folder.config));
    const settings = environmentSettings(text, env);
    const refs = await gitRefs(folder.config.fsPath).catch(() => ({ branches: [], tags: [] }));
    return {
      database: settings.database,
      previews: { links: [], settings: settings.previews },
      refs: { ...refs, current: refs.branches[0] ?? null },
    };
  }

  private async postUpdate(update: EnvironmentUpdate): Promise<void> {
    if (this.disposed) return;
    if (update.type === 'state') this.posted = update;
    await this.panel.webview.postMessage(update);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (EnvironmentPanel.open.get(keyOf(this.key)) === this) EnvironmentPanel.open.delete(keyOf(this.key));
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function row(env: Environment, d: Deployment): DeploymentRow {
  const built = d.status === 'live' || d.status === 'superseded' || d.status === 'rolled_back';
  return {
    id: d.id,
    ref: d.ref,
    commit: d.commit,
    status: d.status,
    by: d.deployed_by,
    at: d.created_at,
    reason: d.reason,
    canRollBack: d.status === 'superseded' || d.status === 'rolled_back',
    canPromote: built && env.kind !== 'production',
  };
}
