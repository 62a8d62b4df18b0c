import * as vscode from 'vscode';
import { ApiError } from '../api/staging-api';
import { CoalescedRun } from '../coalesced-run';
import { reportError, type CommandContext } from '../commands/command-context';
import { webviewHtml, webviewRoot } from './webview-html';

/** A panel's page: its script in dist/webview, title and CSS (beside its code in webview/src), and the commands it sends. */
export interface PanelPage<Command extends { type: string }> {
  script: string;
  title: string;
  style: string;
  /** false: the page's script renders its own heading. */
  heading?: boolean;
  /** true: the page allows inline styles, for the e-mail it frames (see webviewHtml). */
  inlineStyles?: boolean;
  isCommand(message: unknown): message is Command;
}

/**
 * What every panel shares: the page (strict CSP, see webviewHtml) and the disposables that live as long as it, the
 * ready handshake (nothing is posted before the page says `ready`; a page that was hidden is unloaded and says it
 * again when shown, so it gets its state again), refreshes that coalesce so posts stay in order, and what the page
 * reports it rendered (for tests and diagnostics).
 */
export abstract class PanelHost<Command extends { type: string }, Update, Rendered = never> implements vscode.Disposable {
  protected readonly disposables: vscode.Disposable[] = [];
  protected ready = false;
  protected disposed = false;
  private readonly refresher = new CoalescedRun(async () => {
    const update = await this.load().catch((error: unknown) => this.loadFailed(error));
    if (update !== undefined) await this.post(update);
  });
  private forget: () => void = () => undefined;
  /** What the page last rendered (it reports back). */
  rendered: Rendered | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<Rendered>();
  readonly onDidRender = this.renderedEmitter.event;

  constructor(
    protected readonly panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    protected readonly context: CommandContext,
    private readonly page: PanelPage<Command>,
  ) {
    panel.webview.options = panelOptions(extension);
    panel.webview.html = webviewHtml(panel.webview, extension, page.script, page.title, page.style, { heading: page.heading, inlineStyles: page.inlineStyles });
    this.disposables.push(
      this.renderedEmitter,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
    );
  }

  /** What a command from the page does; `ready` and `rendered` come here after the host has noted them. */
  protected abstract handle(command: Command): Promise<void> | void;

  /** The state to post on `ready` and on refresh; undefined posts nothing. */
  protected load(): Promise<Update | undefined> {
    return Promise.resolve(undefined);
  }

  /**
   * What to post when load() fails (most often from a refresh no one asked for, after an event): by default
   * nothing, the page keeps what it shows and says whether the API is connected.
   */
  protected loadFailed(_error: unknown): Promise<Update | undefined> {
    return Promise.resolve(undefined);
  }

  /** A command failed: reported, unless the panel answers the page instead. */
  protected async commandFailed(error: unknown, _command: Command): Promise<void> {
    await reportError(error, this.context);
  }

  /** Reads what the panel shows; when the API says it is gone (404), the panel closes and this gives undefined. */
  protected async readOrClose<T>(read: Promise<T>): Promise<T | undefined> {
    try {
      return await read;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
      this.dispose();
      return undefined;
    }
  }

  /** Loads and posts the state; calls while one runs coalesce into one more run after it. */
  refresh(): Promise<void> {
    // A hidden page is gone (no retained context): it says `ready` again when shown.
    if (!this.ready || this.disposed || !this.panel.visible) return this.refresher.current ?? Promise.resolve();
    return this.refresher.run();
  }

  protected async post(update: Update): Promise<void> {
    if (this.ready && !this.disposed) await this.panel.webview.postMessage(update);
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Called by OpenPanels: how this panel leaves the set of open ones. */
  onForget(forget: () => void): void {
    this.forget = forget;
  }

  private async receive(message: unknown): Promise<void> {
    if (!this.page.isCommand(message)) return;
    if (message.type === 'ready') this.ready = true;
    if (message.type === 'rendered') {
      const { type: _, ...rendered } = message as Command & Rendered;
      this.rendered = rendered as Rendered;
      this.renderedEmitter.fire(this.rendered);
    }
    try {
      await this.handle(message);
    } catch (error) {
      await this.commandFailed(error, message);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    this.forget();
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}

function panelOptions(extension: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, localResourceRoots: [webviewRoot(extension)] };
}

/**
 * One panel per key (an environment, a comment, a deployment): show() reveals the open one or makes it, and the
 * serializer brings a panel back after a reload from the state its page kept, when that state is one of its keys
 * and that panel is not open already (a second copy would duplicate its stream and events); else it is closed.
 */
export class OpenPanels<Key, Panel extends PanelHost<{ type: string }, unknown, unknown>> {
  private readonly open = new Map<string, Panel>();

  constructor(
    private readonly extension: vscode.ExtensionContext,
    readonly viewType: string,
    private readonly idOf: (key: Key) => string,
    private readonly isKey: (state: unknown) => state is Key,
    private readonly create: (panel: vscode.WebviewPanel, key: Key) => Panel,
  ) {}

  get(key: Key): Panel | undefined {
    return this.open.get(this.idOf(key));
  }

  show(key: Key, title: string): Panel {
    const existing = this.get(key);
    if (existing) {
      existing.reveal();
      return existing;
    }
    return this.restore(vscode.window.createWebviewPanel(this.viewType, title, vscode.ViewColumn.Active, panelOptions(this.extension)), key);
  }

  serializer(): vscode.WebviewPanelSerializer<unknown> {
    return {
      deserializeWebviewPanel: (panel, state) => {
        if (this.isKey(state) && !this.get(state)) this.restore(panel, state);
        else panel.dispose();
        return Promise.resolve();
      },
    };
  }

  private restore(panel: vscode.WebviewPanel, key: Key): Panel {
    const id = this.idOf(key);
    const made = this.create(panel, key);
    this.open.set(id, made);
    made.onForget(() => {
      if (this.open.get(id) === made) this.open.delete(id);
    });
    return made;
  }
}
