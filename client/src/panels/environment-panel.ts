import * as vscode from 'vscode';
import {
  isEnvironmentCommand,
  isEnvironmentKey,
  type AssetsSection,
  type DatabaseSection,
  type DeploymentRow,
  type EnvironmentCommand,
  type EnvironmentKey,
  type EnvironmentState,
  type EnvironmentUpdate,
  type Rendered,
  type SectionControl,
  type VariableUpdate,
} from '../../../webview/src/environment/protocol';
import { environmentStyle } from '../../../webview/src/environment/style';
import { ApiError, type Deployment, type Environment } from '../api/staging-api';
import type { CommandContext } from '../commands/command-context';
import { deployRef } from '../commands/deploy';
import { trustedGitRefs } from '../trusted-git';
import { DeploymentNode } from '../tree/nodes';
import { workspaceProjects } from '../workspace-projects';
import { environmentSettings } from './environment-config';
import { OpenPanels, PanelHost } from './panel-host';
import { assetsSection, databaseSection } from './sync-sections';

/** How many deployments the history shows. */
const historyLength = 50;

function keyOf(key: EnvironmentKey): string {
  return `${key.project}/${key.environment}`;
}

/**
 * One environment in detail: status and URL, deploy controls, deployment history, variables (secrets
 * masked and write-only), database sync, asset sync and preview links. One panel per environment; it follows the live events
 * of that environment, and is restored after a reload from the state the page keeps (project and environment name).
 */
export class EnvironmentPanel extends PanelHost<EnvironmentCommand, EnvironmentUpdate, Rendered> {
  static readonly viewType = 'staging.environment';
  /** The state last posted to the page: everything the page was given. */
  posted: EnvironmentState | undefined;
  private readonly pressed = new vscode.EventEmitter<{ control: SectionControl; acted: boolean }>();

  static panels(extension: vscode.ExtensionContext, context: CommandContext): OpenPanels<EnvironmentKey, EnvironmentPanel> {
    return new OpenPanels(extension, EnvironmentPanel.viewType, keyOf, isEnvironmentKey, (panel, key) => new EnvironmentPanel(panel, extension, context, key));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    context: CommandContext,
    readonly key: EnvironmentKey,
  ) {
    super(panel, extension, context, {
      script: 'environment',
      title: 'Staging environment',
      style: environmentStyle,
      heading: false,
      isCommand: isEnvironmentCommand,
    });
    panel.title = `${key.environment} (${key.project})`;
    const mine = (project: string, environment: string): boolean => project === key.project && environment === key.environment;
    this.disposables.push(
      context.events.onEnvironment((env) => {
        if (mine(env.project, env.name)) void this.refresh();
      }),
      context.events.onDeployment((deployment) => {
        if (mine(deployment.project, deployment.environment)) void this.refresh();
      }),
      context.events.onActivity((activity) => {
        if (mine(activity.project, activity.environment)) void this.refresh();
      }),
      context.events.onDatabaseSync((sync) => {
        if (mine(sync.project, sync.environment)) void this.refresh();
      }),
      context.events.onAssetSync((sync) => {
        if (mine(sync.project, sync.environment)) void this.refresh();
      }),
      this.pressed,
      context.events.onState(() => void this.refresh()),
      context.session.onDidChange(() => void this.refresh()),
    );
  }

  protected async handle(message: EnvironmentCommand): Promise<void> {
    switch (message.type) {
      case 'ready':
      case 'refresh':
        await this.refresh();
        break;
      case 'rendered':
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
      case 'syncDatabase':
        // The command reports a refusal (a 409 says why) itself; the events bring the progress.
        await vscode.commands.executeCommand('staging.syncDatabase', await this.environment());
        await this.refresh();
        break;
      case 'cancelSync':
        await this.context.session.api.cancelDatabaseSync(message.id);
        await this.refresh();
        break;
      case 'syncLog':
        this.context.logs.showDatabaseSync(await this.context.session.api.databaseSync(message.id));
        break;
      case 'syncAssets':
        // As for the database: the command reports a refusal, and the events bring the progress.
        await vscode.commands.executeCommand('staging.syncAssets', await this.environment());
        await this.refresh();
        break;
      case 'assetSyncLog':
        this.context.logs.showAssetSync(await this.context.session.api.assetSync(message.id));
        break;
      case 'pressed':
        this.pressed.fire({ control: message.control, acted: message.acted });
        break;
    }
  }

  /**
   * Presses a control of the database or assets section in the page, as a person would (for tests): resolves with
   * whether it was there and enabled, so it acted.
   */
  press(control: SectionControl): Promise<boolean> {
    return new Promise((resolve) => {
      const subscription = this.pressed.event((answer) => {
        if (answer.control !== control) return;
        subscription.dispose();
        resolve(answer.acted);
      });
      this.disposables.push(subscription);
      void this.post({ type: 'press', control });
    });
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
      await this.post({ type: 'variablesRefused', message, index: index === undefined ? null : Number(index) });
      const refused = error instanceof ApiError && error.status >= 400 && error.status < 500 && !error.unauthorized;
      if (!refused) throw error;
      return;
    }
    await this.post({ type: 'variablesSaved' });
    await this.refresh();
  }

  /** A failed load is shown in the page, where the environment would be. */
  protected override loadFailed(error: unknown): Promise<EnvironmentUpdate> {
    return Promise.resolve({ type: 'failed', message: messageOf(error) });
  }

  protected override async load(): Promise<EnvironmentUpdate> {
    if (this.context.session.state !== 'signedIn') return { type: 'failed', message: 'Not signed in to the staging API: sign in to see this environment.' };
    const api = this.context.session.api;
    const { project, environment } = this.key;
    const env = await api.environment(project, environment).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    });
    if (!env) return { type: 'deleted', key: this.key };
    const [deployments, variables, local, links, database, assets] = await Promise.all([
      api.deployments(project, environment, historyLength),
      api.variables(project, environment),
      this.local(env),
      env.kind === 'production' ? Promise.resolve([]) : api.previewLinks(project, environment),
      // What stagingd could not say, each section shows in its place.
      orError(api.database(project, environment)),
      orError(api.assets(project, environment)),
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
      refs: local.refs,
      previews: local.previews,
      database: databaseSection(env, local.database, database),
      assets: assetsSection(env, local.assets, assets),
      connected: this.context.events.state !== 'disconnected',
    };
  }

  /**
   * What this workspace knows: staging.yaml's database, assets and preview settings (the registered staging.yaml's
   * when the project is not in this workspace), and the git refs to deploy.
   */
  private async local(env: Environment): Promise<
    Pick<EnvironmentState, 'previews' | 'refs'> & {
      database: Pick<DatabaseSection, 'config' | 'configSource'>;
      assets: Pick<AssetsSection, 'config' | 'configSource'>;
    }
  > {
    const folder = (await workspaceProjects()).find((p) => p.name === env.project);
    if (!folder) {
      const registered = await this.context.session.api.project(env.project).catch(() => undefined);
      const settings = registered ? environmentSettings(registered.config, env) : undefined;
      const unknown = { configured: false as const, why: `the staging.yaml of ${env.project} is not in this workspace` };
      return {
        database: settings ? { config: settings.database, configSource: 'registered' } : { config: unknown, configSource: null },
        assets: settings ? { config: settings.assets, configSource: 'registered' } : { config: unknown, configSource: null },
        previews: { links: [], settings: null },
        refs: { branches: [], tags: [], current: null },
      };
    }
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(folder.config));
    const settings = environmentSettings(text, env);
    const refs = await trustedGitRefs(folder.config.fsPath).catch(() => ({ branches: [], tags: [] }));
    return {
      database: { config: settings.database, configSource: 'workspace' },
      assets: { config: settings.assets, configSource: 'workspace' },
      previews: { links: [], settings: settings.previews },
      refs: { ...refs, current: refs.branches[0] ?? null },
    };
  }

  protected override async post(update: EnvironmentUpdate): Promise<void> {
    if (update.type === 'state' && !this.disposed) this.posted = update;
    await super.post(update);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** An answer, or the error that stands for it (a refused token still fails the load: the page asks to sign in). */
function orError<T>(answer: Promise<T>): Promise<T | Error> {
  return answer.catch((error: unknown) => {
    if (error instanceof ApiError && error.unauthorized) throw error;
    return error instanceof Error ? error : new Error(String(error));
  });
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
