import * as vscode from 'vscode';
import { ApiError, StagingApi } from './api/staging-api';

export type SessionState = 'signedOut' | 'signedIn' | 'unreachable';

const retryDelaysMs = [1000, 2000, 5000, 10_000, 30_000];

/**
 * Where the staging API is (`staging.apiUrl`) and the token for it, kept in SecretStorage per API URL,
 * never in settings. The `staging.state` context key drives the welcome views.
 */
export class Session implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private current: StagingApi;
  private stateValue: SessionState | undefined;
  /** The signed-in token's name: what deployments, comments and reviews made from here carry. */
  identity: string | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /**
   * The token of the API URL it was read for: secret storage is asked once, not on every request (in a browser
   * workbench each read is a round trip to the page). Forgotten when the secret changes.
   */
  private cached: { key: string; token: string | undefined } | undefined;
  /** While the API does not answer: the next look, and how many looks so far (for the backoff). */
  private retry: { timer: NodeJS.Timeout; attempt: number } | undefined;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.current = this.createApi();
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!event.affectsConfiguration('staging.apiUrl')) return;
        this.current = this.createApi();
        void this.check();
      }),
      secrets.onDidChange((event) => {
        if (event.key !== this.secretKey()) return;
        this.cached = undefined;
        void this.check();
      }),
    );
  }

  get api(): StagingApi {
    return this.current;
  }

  get state(): SessionState {
    return this.stateValue ?? 'signedOut';
  }

  apiUrl(): string {
    return vscode.workspace.getConfiguration('staging').get<string>('apiUrl', 'http://127.0.0.1:8787').replace(/\/+$/, '');
  }

  private secretKey(): string {
    return `staging.token:${this.apiUrl()}`;
  }

  private createApi(): StagingApi {
    return new StagingApi(this.apiUrl(), () => this.token());
  }

  private async token(): Promise<string | undefined> {
    const key = this.secretKey();
    if (this.cached?.key !== key) this.cached = { key, token: await this.secrets.get(key) };
    return this.cached.token;
  }

  /** Keeps a token the API accepts (it is asked first); throws what the API said otherwise. */
  private async keep(token: string): Promise<void> {
    await new StagingApi(this.apiUrl(), () => Promise.resolve(token)).projects();
    const key = this.secretKey();
    await this.secrets.store(key, token);
    this.cached = { key, token };
  }

  async signIn(token: string): Promise<void> {
    await this.keep(token);
    await this.check();
  }

  async signOut(): Promise<void> {
    const key = this.secretKey();
    await this.secrets.delete(key);
    this.cached = { key, token: undefined };
    await this.check();
  }

  /**
   * A stagingd on this machine keeps its admin token in `.staging/admin-token` of its data directory; when
   * the API is local and that directory is in the workspace, use it rather than ask (it never leaves the machine).
   */
  private async localToken(): Promise<string | undefined> {
    // A workspace not trusted could hold a token of someone else's choosing.
    if (!vscode.workspace.isTrusted) return undefined;
    if (!/^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(this.apiUrl())) return undefined;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      try {
        const token = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.staging', 'admin-token'))).trim();
        if (token) return token;
      } catch {
        // No local stagingd data in this folder.
      }
    }
    return undefined;
  }

  /** Asks the API who we are, and publishes the answer as the session state. */
  async check(): Promise<SessionState> {
    let state: SessionState;
    if (!(await this.token())) {
      const local = await this.localToken();
      if (local) await this.keep(local).catch(() => undefined);
    }
    if (!(await this.token())) state = 'signedOut';
    else {
      try {
        this.identity = (await this.current.self()).name;
        state = 'signedIn';
      } catch (error) {
        state = error instanceof ApiError && error.unauthorized ? 'signedOut' : 'unreachable';
      }
    }
    this.setState(state);
    return state;
  }

  setState(state: SessionState): void {
    if (state === 'unreachable') this.retryLater();
    else this.stopRetrying();
    if (state === this.stateValue) return;
    this.log.info(`session: ${this.stateValue ?? 'starting'} -> ${state} (${this.apiUrl()})`);
    this.stateValue = state;
    void vscode.commands.executeCommand('setContext', 'staging.state', state);
    this.changed.fire();
  }

  /**
   * An API that does not answer is asked again, sooner at first and then every 30 s, for as long as it takes (a
   * stagingd restarting, a laptop waking up): the views come back by themselves, with no Refresh.
   */
  private retryLater(): void {
    if (this.retry?.timer) clearTimeout(this.retry.timer);
    const attempt = (this.retry?.attempt ?? 0) + 1;
    const delayMs = retryDelaysMs[Math.min(attempt, retryDelaysMs.length) - 1]!;
    this.log.debug(`session: the API does not answer; asking again in ${delayMs / 1000} s`);
    this.retry = { attempt, timer: setTimeout(() => void this.check(), delayMs) };
  }

  private stopRetrying(): void {
    if (this.retry) clearTimeout(this.retry.timer);
    this.retry = undefined;
  }

  dispose(): void {
    this.stopRetrying();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
