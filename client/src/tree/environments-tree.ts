import * as vscode from 'vscode';
import type { Environment } from '../api/staging-api';
import type { FollowedEnvironments } from '../followed-environments';
import type { LiveEvents } from '../live-events';
import type { Session } from '../session';
import { workspaceProjects } from '../workspace-projects';
import { AssetsNode } from './assets-node';
import { ChecksNode, PerformanceResultNode, VisualResultNode } from './checks-nodes';
import { InboxNode, inboxShown, MailMessageNode } from './mail-nodes';
import {
  CommentsNode,
  CommentThreadNode,
  DatabaseNode,
  DeploymentNode,
  EnvironmentNode,
  MessageNode,
  PreviewLinkNode,
  PreviewLinksNode,
  ProjectNode,
  UnregisteredProjectNode,
  type StagingNode,
} from './nodes';

/**
 * Projects -> environments -> deployments, read from the API and kept current by /v1/events (no polling).
 * When the event stream is down the tree says so instead of showing stale data.
 */
export class EnvironmentsTree implements vscode.TreeDataProvider<StagingNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<StagingNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** The environments last shown, for the status bar and the commands' pickers. */
  environments = new Map<string, Environment>();

  constructor(
    private readonly session: Session,
    private readonly events: LiveEvents,
    private readonly followed: FollowedEnvironments,
  ) {
    this.disposables.push(
      followed.onDidChange(() => this.refresh()),
      session.onDidChange(() => this.refresh()),
      events.onEnvironment(() => this.refresh()),
      events.onDeployment(() => this.refresh()),
      events.onDatabaseSync(() => this.refresh()),
      events.onAssetSync(() => this.refresh()),
      events.onMail(() => this.refresh()),
      events.onCheckRun(() => this.refresh()),
      events.onCheckBaseline(() => this.refresh()),
      events.onActivity((activity) => {
        if (activity.type.startsWith('preview.') || activity.type.startsWith('comment.')) this.refresh();
      }),
      events.onState((state) => {
        if (state === 'connected' || state === 'disconnected') this.refresh();
      }),
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: StagingNode): vscode.TreeItem {
    return node.treeItem();
  }

  async getChildren(node?: StagingNode): Promise<StagingNode[]> {
    if (this.session.state !== 'signedIn') return [];
    const api = this.session.api;
    if (!node) {
      const [projects, local] = await Promise.all([api.projects(), workspaceProjects()]);
      const names = new Set(local.map((p) => p.name));
      const nodes: StagingNode[] = projects.filter((p) => names.size === 0 || names.has(p.name)).map((p) => new ProjectNode(p.name, names.has(p.name)));
      if (this.events.state === 'disconnected') nodes.unshift(new MessageNode('Disconnected from the staging API: reconnecting…', 'debug-disconnect'));
      for (const name of names) if (!projects.some((p) => p.name === name)) nodes.push(new UnregisteredProjectNode(name));
      return nodes;
    }
    if (node instanceof ProjectNode) {
      const environments = await api.environments(node.name);
      for (const env of environments) this.environments.set(`${env.project}/${env.name}`, env);
      return Promise.all(
        environments.map(async (env) => {
          const last = env.live_deployment_id ? await api.deployment(env.live_deployment_id) : undefined;
          return new EnvironmentNode(env, last, this.followed.has(env.project, env.name));
        }),
      );
    }
    if (node instanceof EnvironmentNode) {
      const env = node.environment;
      // Production has no preview links, so no comments from them either.
      const staging = env.kind !== 'production';
      const [deployments, links, comments, database, assets, checks, inbox] = await Promise.all([
        api.deployments(env.project, env.name, 20),
        staging ? api.previewLinks(env.project, env.name) : undefined,
        staging ? api.comments(env.project, env.name) : undefined,
        // Production's database is the source, never an environment's own; a stagingd that cannot say shows none.
        staging ? api.database(env.project, env.name).catch(() => undefined) : undefined,
        // Production's files are the source; a staging environment whose staging.yaml has no assets has none.
        staging ? api.assets(env.project, env.name).catch(() => undefined) : undefined,
        // Production is what the checks compare with; a staging environment whose staging.yaml has no checks has none.
        staging ? api.checks(env.project, env.name).catch(() => undefined) : undefined,
        // Production's e-mail is its own: no inbox. A stagingd that cannot say shows none either.
        staging ? api.mailInbox(env.project, env.name, { limit: inboxShown }).catch(() => undefined) : undefined,
      ]);
      return [
        ...(database?.enabled ? [new DatabaseNode(env, database)] : []),
        ...(assets?.enabled ? [new AssetsNode(env, assets)] : []),
        ...(checks?.enabled ? [new ChecksNode(env, checks)] : []),
        ...(comments ? [new CommentsNode(env, comments)] : []),
        ...(inbox ? [new InboxNode(env, inbox)] : []),
        ...(links ? [new PreviewLinksNode(env, links)] : []),
        ...(deployments.length > 0 ? deployments.map((d) => new DeploymentNode(env, d)) : [new MessageNode('No deployments yet')]),
      ];
    }
    if (node instanceof CommentsNode) {
      // Open threads first, newest first within each (the API's order).
      const open = (t: CommentsNode['comments']['items'][number]): number => (t.resolved_at ? 1 : 0);
      return [...node.comments.items].sort((a, b) => open(a) - open(b)).map((thread) => new CommentThreadNode(node.environment, thread));
    }
    if (node instanceof ChecksNode) {
      const run = node.run;
      if (!run) return [];
      return [
        ...run.visual.map((result) => new VisualResultNode(node.environment, run, result)),
        ...run.performance.map((result) => new PerformanceResultNode(node.environment, run, result)),
      ];
    }
    if (node instanceof InboxNode) {
      const older = node.inbox.total - node.inbox.items.length;
      return [
        ...node.inbox.items.map((message) => new MailMessageNode(node.environment, message)),
        ...(older > 0 ? [new MessageNode(`${older} older not listed`, 'ellipsis')] : []),
      ];
    }
    if (node instanceof PreviewLinksNode) {
      // Active links first, then the ones that expired or were revoked (newest first within each).
      const order = (link: PreviewLinksNode['links'][number]): number => (link.status === 'active' ? 0 : 1);
      return [...node.links].sort((a, b) => order(a) - order(b)).map((link) => new PreviewLinkNode(node.environment, link));
    }
    return [];
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
