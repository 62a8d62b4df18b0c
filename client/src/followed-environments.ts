import * as vscode from 'vscode';

const key = 'staging.followedEnvironments';

/**
 * The environments this workspace follows: their deployments, comments, reviews and e-mail notify. Kept in the
 * workspace's state; deploying to, sharing or reviewing an environment from here follows it, as
 * taking part in a thread does on a code host.
 */
export class FollowedEnvironments implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly state: vscode.Memento) {}

  private get keys(): string[] {
    return this.state.get<string[]>(key, []);
  }

  has(project: string, environment: string): boolean {
    return this.keys.includes(`${project}/${environment}`);
  }

  async set(project: string, environment: string, follow: boolean): Promise<void> {
    const id = `${project}/${environment}`;
    if (follow === this.keys.includes(id)) return;
    await this.state.update(key, follow ? [...this.keys, id] : this.keys.filter((k) => k !== id));
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
