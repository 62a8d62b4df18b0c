import * as vscode from 'vscode';
import { isUnderWay } from '../../../common/src/api/deployment-status';
import type { CommentList, CommentThread, Deployment, Environment, EnvironmentDatabase, PreviewLink } from '../api/staging-api';
import { syncCopied } from '../database/sync-text';
import { lastSyncLine, syncContext, syncIcon, syncState } from './sync-state';

/** A node of the Staging tree renders itself; ids come from API resource ids so VS Code keeps state across refreshes. */
export abstract class StagingNode {
  abstract treeItem(): vscode.TreeItem;
}

const statusIcons: Record<Environment['status'], vscode.ThemeIcon> = {
  active: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  building: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.yellow')),
  // stagingd restarted and is bringing the live release back.
  starting: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  error: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  stopped: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

export class ProjectNode extends StagingNode {
  constructor(
    readonly name: string,
    readonly inWorkspace: boolean,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.Expanded);
    item.id = `project:${this.name}`;
    item.iconPath = new vscode.ThemeIcon('project');
    item.contextValue = 'project';
    if (!this.inWorkspace) item.description = 'not in this workspace';
    return item;
  }
}

export class EnvironmentNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly lastDeployment: Deployment | undefined,
    readonly followed = false,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const env = this.environment;
    const item = new vscode.TreeItem(env.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `environment:${env.project}/${env.name}`;
    item.iconPath = statusIcons[env.status];
    item.description = [env.branch, env.status === 'active' ? env.url.replace(/^https?:\/\//, '') : env.status].filter(Boolean).join(' · ');
    const last = this.lastDeployment;
    item.tooltip = new vscode.MarkdownString(
      [
        `**${env.name}** (${env.kind}) — ${env.status}`,
        `[${env.url}](${env.url})`,
        env.branch ? `Branch \`${env.branch}\`` : '',
        this.followed ? 'You follow it: its deployments, comments, reviews and e-mail notify you.' : '',
        last
          ? `Last deployment: \`${last.ref}\` (${last.commit?.slice(0, 12) ?? '?'}) ${last.status} by ${last.deployed_by}, ${last.created_at}`
          : 'Never deployed',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    // `.followed` picks Follow or Unfollow for its menu; the other menus match the kind before it.
    item.contextValue = `${env.kind === 'production' ? 'environment.production' : 'environment'}${this.followed ? '.followed' : ''}`;
    return item;
  }
}

export class DeploymentNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly deployment: Deployment,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const d = this.deployment;
    const item = new vscode.TreeItem(`${d.ref} ${d.commit?.slice(0, 7) ?? ''}`.trim(), vscode.TreeItemCollapsibleState.None);
    item.id = `deployment:${d.id}`;
    item.description = `${d.status} · ${d.deployed_by} · ${new Date(d.created_at).toLocaleString()}`;
    item.tooltip = d.reason ? `${d.status}: ${d.reason}` : d.status;
    item.iconPath = new vscode.ThemeIcon(
      d.status === 'live'
        ? 'rocket'
        : d.status === 'failed'
          ? 'error'
          : d.status === 'cancelled'
            ? 'circle-slash'
            : isUnderWay(d.status)
              ? 'sync~spin'
              : 'history',
    );
    const state =
      d.status === 'live'
        ? 'deployment.live'
        : ['superseded', 'rolled_back'].includes(d.status)
          ? 'deployment.previous'
          : isUnderWay(d.status)
            ? 'deployment.inProgress'
            : 'deployment';
    // Production's own deployments are neither promoted nor reviewed: their menus tell them apart.
    item.contextValue = this.environment.kind === 'production' && state !== 'deployment' ? `${state}.production` : state;
    item.command = { command: 'staging.openLogViewer', title: 'Open Log Viewer', arguments: [this] };
    return item;
  }
}

export class MessageNode extends StagingNode {
  constructor(
    private readonly message: string,
    private readonly icon = 'info',
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.message, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(this.icon);
    return item;
  }
}

/** A folder of the workspace with a staging.yaml whose project the API does not have yet: click to register it. */
export class UnregisteredProjectNode extends StagingNode {
  constructor(readonly name: string) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.name, vscode.TreeItemCollapsibleState.None);
    item.id = `unregistered:${this.name}`;
    item.description = 'not registered with the staging API';
    item.tooltip = `The workspace has ${this.name}'s staging.yaml, but the staging API has no such project. Register it to deploy it.`;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    item.contextValue = 'project.unregistered';
    item.command = { command: 'staging.registerProject', title: 'Register Project', arguments: [this.name] };
    return item;
  }
}

/** The shared preview links of a staging environment, under it in the tree. */
export class PreviewLinksNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly links: PreviewLink[],
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const active = this.links.filter((l) => l.status === 'active').length;
    const item = new vscode.TreeItem('Preview links', this.links.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `previews:${this.environment.project}/${this.environment.name}`;
    item.description = active > 0 ? `${active} active` : 'none active';
    item.iconPath = new vscode.ThemeIcon('link');
    item.contextValue = 'previewLinks';
    return item;
  }
}

export class PreviewLinkNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly link: PreviewLink,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const l = this.link;
    const item = new vscode.TreeItem(l.label ?? 'Preview link', vscode.TreeItemCollapsibleState.None);
    item.id = `preview:${l.id}`;
    const until = new Date(l.expires_at).toLocaleString();
    item.description = [l.status === 'active' ? `until ${until}` : l.status, l.has_password ? 'password' : '', `by ${l.created_by}`]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = `${l.status}, created by ${l.created_by} ${new Date(l.created_at).toLocaleString()}, ${l.status === 'revoked' ? 'revoked' : 'expires'} ${until}${l.last_used_at ? `; last used ${new Date(l.last_used_at).toLocaleString()}` : '; never used'}`;
    item.iconPath = new vscode.ThemeIcon(l.status === 'active' ? (l.has_password ? 'lock' : 'link') : 'circle-slash');
    item.contextValue = `previewLink.${l.status}`;
    return item;
  }
}

/**
 * The environment's own database, under it in the tree: its last sync ("synced 5 min ago", "syncing…", "sync failed")
 * or why stagingd cannot provide it. Opens the environment's panel, whose Database section has the details.
 */
export class DatabaseNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly database: EnvironmentDatabase,
  ) {
    super();
  }

  /** The state in a few words, as the tree shows it. */
  get state(): string {
    return syncState(this.database.available, this.database.last_sync);
  }

  treeItem(): vscode.TreeItem {
    const db = this.database;
    const last = db.last_sync;
    const item = new vscode.TreeItem('Database', vscode.TreeItemCollapsibleState.None);
    item.id = `database:${this.environment.project}/${this.environment.name}`;
    item.description = this.state;
    const lines = [
      db.available ? `**${db.database ?? 'Database'}** (${db.engine ?? 'database'})` : `No database: ${db.reason ?? 'stagingd cannot provide it'}.`,
    ];
    if (last) {
      lines.push(lastSyncLine(last));
      if (last.status === 'succeeded')
        lines.push(`Copied ${syncCopied(last)}${last.snapshot_at ? ` from production as of ${new Date(last.snapshot_at).toLocaleString()}` : ''}.`);
      if (last.reason) lines.push(last.reason);
    }
    item.tooltip = new vscode.MarkdownString(lines.join('\n\n'));
    item.iconPath = syncIcon(db.available, last, 'database');
    // Sync Database is offered where it can run.
    item.contextValue = syncContext('database', db.available, last);
    item.command = { command: 'staging.openEnvironment', title: 'Open Environment Details', arguments: [this] };
    return item;
  }
}

/** The comments left on an environment's previews, with how many threads are open. */
export class CommentsNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly comments: CommentList,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const { open_count: open, items } = this.comments;
    const item = new vscode.TreeItem('Comments', items.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `comments:${this.environment.project}/${this.environment.name}`;
    item.description = open > 0 ? `${open} open` : items.length > 0 ? 'all resolved' : 'none';
    item.iconPath = new vscode.ThemeIcon(open > 0 ? 'comment-unresolved' : 'comment');
    item.contextValue = 'comments';
    return item;
  }
}

export class CommentThreadNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly thread: CommentThread,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const t = this.thread;
    const first = t.body.split('\n')[0]!;
    const item = new vscode.TreeItem(first.length > 60 ? `${first.slice(0, 59)}…` : first, vscode.TreeItemCollapsibleState.None);
    item.id = `comment:${t.id}`;
    const replies = t.replies.length > 0 ? `${t.replies.length} repl${t.replies.length === 1 ? 'y' : 'ies'}` : '';
    item.description = [t.author, t.page_url ?? '', replies].filter(Boolean).join(' · ');
    item.tooltip = new vscode.MarkdownString(
      [
        `**${t.author}**${t.author_kind === 'visitor' ? ' (preview visitor)' : ''}, ${new Date(t.created_at).toLocaleString()}`,
        t.body,
        t.resolved_at ? `Resolved by ${t.resolved_by ?? '?'}` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
    );
    item.iconPath = new vscode.ThemeIcon(t.resolved_at ? 'pass' : 'comment-unresolved');
    item.contextValue = t.resolved_at ? 'comment.resolved' : 'comment.open';
    item.command = { command: 'staging.openComment', title: 'Open Comment', arguments: [this] };
    return item;
  }
}
