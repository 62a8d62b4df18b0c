import * as vscode from 'vscode';
import { assetsCopied } from '../assets/asset-text';
import type { Environment, EnvironmentAssets } from '../api/staging-api';
import { StagingNode } from './nodes';
import { lastSyncLine, syncContext, syncIcon, syncState } from './sync-state';

/**
 * A staging environment's assets (staging.yaml `assets`), under it in the tree: its last sync ("synced 5 min ago ·
 * 3 copied", "syncing…", "sync failed", "never synced") or "unavailable", with why in the tooltip. Production has
 * none: its files are the source. Opens the environment's panel, whose Assets section has the details.
 */
export class AssetsNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly assets: EnvironmentAssets,
  ) {
    super();
  }

  /** The state in a few words, as the tree shows it. */
  get state(): string {
    const { available, last_sync: last } = this.assets;
    const state = syncState(available, last);
    return available && last?.status === 'succeeded' ? `${state} · ${last.copied.toLocaleString('en')} copied` : state;
  }

  treeItem(): vscode.TreeItem {
    const { available, reason, source, target, last_sync: last } = this.assets;
    const item = new vscode.TreeItem('Assets', vscode.TreeItemCollapsibleState.None);
    item.id = `assets:${this.environment.project}/${this.environment.name}`;
    item.description = this.state;
    // Plain text: a source or a reason is shown as it is, never read as Markdown.
    const lines = [
      available ? `Files from ${source ?? '?'}, seen by releases at ${target ?? '?'}.` : `No asset sync: ${reason ?? 'stagingd cannot sync them'}.`,
    ];
    if (last) {
      lines.push(lastSyncLine(last));
      if (last.status === 'succeeded') lines.push(`${assetsCopied(last)}.`);
      if (last.reason) lines.push(last.reason);
    }
    item.tooltip = lines.join('\n\n');
    item.iconPath = syncIcon(available, last, 'file-media');
    // Sync Assets is offered where it can run.
    item.contextValue = syncContext('assets', available, last);
    item.command = { command: 'staging.openEnvironment', title: 'Open Environment Details', arguments: [this] };
    return item;
  }
}
