import * as path from 'node:path';
import { trustedCurrentBranch } from './trusted-git';
import * as vscode from 'vscode';
import type { Environment } from './api/staging-api';
import type { LiveEvents } from './live-events';
import type { Session } from './session';
import { workspaceProjects } from './workspace-projects';

const looks: Record<Environment['status'], { icon: string; background?: vscode.ThemeColor }> = {
  active: { icon: '$(check)' },
  building: { icon: '$(sync~spin)' },
  starting: { icon: '$(sync~spin)' },
  error: { icon: '$(error)', background: new vscode.ThemeColor('statusBarItem.errorBackground') },
  stopped: { icon: '$(circle-slash)' },
};

/** The environment that follows the current git branch: spinning while it builds, a check when live; hidden when none does. */
export class DeployStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('staging.deployStatus', vscode.StatusBarAlignment.Left, 50);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the text shown, or undefined when hidden (tests and other views follow it). */
  readonly onDidChange = this.changed.event;
  private shownText: string | undefined;

  constructor(
    private readonly session: Session,
    events: LiveEvents,
  ) {
    this.item.name = 'Staging deployment';
    const headWatcher = vscode.workspace.createFileSystemWatcher('**/.git/HEAD');
    this.disposables.push(
      headWatcher,
      headWatcher.onDidChange(() => void this.update()),
      headWatcher.onDidCreate(() => void this.update()),
      session.onDidChange(() => void this.update()),
      events.onEnvironment(() => void this.update()),
      this.changed,
    );
    void this.update();
  }

  async update(): Promise<void> {
    const shown = this.session.state === 'signedIn' ? await this.environmentForBranch().catch(() => undefined) : undefined;
    if (!shown) {
      this.item.hide();
      this.show(undefined);
      return;
    }
    const look = looks[shown.status];
    this.item.text = `${look.icon} ${shown.name}`;
    this.item.tooltip = `Staging: ${shown.project}/${shown.name} (${shown.status}) for branch ${shown.branch ?? '?'} — ${shown.url}`;
    this.item.backgroundColor = look.background;
    this.item.command = { command: 'staging.openUrl', title: 'Open Staging URL', arguments: [shown] };
    this.item.show();
    this.show(this.item.text);
  }

  get text(): string | undefined {
    return this.shownText;
  }

  private show(text: string | undefined): void {
    if (text === this.shownText) return;
    this.shownText = text;
    this.changed.fire(text);
  }

  private async environmentForBranch(): Promise<Environment | undefined> {
    for (const project of await workspaceProjects()) {
      const branch = await trustedCurrentBranch(path.dirname(project.config.fsPath));
      if (branch === undefined) continue;
      const environments = await this.session.api.environments(project.name);
      const match = environments.find((env) => env.branch === branch && env.kind !== 'production');
      if (match) return match;
    }
    return undefined;
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
