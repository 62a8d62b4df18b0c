import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  isCommentCommand,
  isCommentPageState,
  type CommentCommand,
  type CommentRendered,
  type CommentState,
  type CommentUpdate,
  type ThreadView,
} from '../../../webview/src/comment/protocol';
import { ApiError, type CommentThread } from '../api/staging-api';
import { reportError, type CommandContext } from '../commands/command-context';
import { routeFileGlobs, sourceFromSelector, type SourceHint } from '../comment-source';
import { workspaceProjects } from '../workspace-projects';
import { panelSerializer } from './panel-serializer';
import { webviewHtml, webviewRoot } from './webview-html';

const style = `
    header h1 { margin-bottom: 4px; display: flex; gap: 6px; align-items: center; }
    .screenshot { margin: 12px 0; }
    .screenshot img { max-width: 100%; border: 1px solid var(--vscode-panel-border); }
    .messages { list-style: none; padding: 0; }
    .messages li { padding: 8px 0; border-bottom: 1px solid var(--vscode-panel-border); }
    .messages .body { white-space: pre-wrap; margin-top: 4px; }
    .reply vscode-textarea { width: 100%; }
    .actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
    .error { color: var(--vscode-errorForeground); }
    code { font-family: var(--vscode-editor-font-family); }`;

function threadView(thread: CommentThread): ThreadView {
  const message = (c: CommentThread | CommentThread['replies'][number]) => ({
    id: c.id,
    author: c.author,
    authorKind: c.author_kind,
    body: c.body,
    createdAt: c.created_at,
  });
  return {
    id: thread.id,
    project: thread.project,
    environment: thread.environment,
    deploymentId: thread.deployment_id,
    pageUrl: thread.page_url,
    url: thread.url,
    selector: thread.selector,
    viewport: thread.viewport_width && thread.viewport_height ? { width: thread.viewport_width, height: thread.viewport_height } : null,
    resolved: thread.resolved_at ? { by: thread.resolved_by, at: thread.resolved_at } : null,
    messages: [message(thread), ...thread.replies.map(message)],
  };
}

/** The file a comment points at in this workspace: a data-source attribute, else the first file that renders its route. */
export async function commentSource(thread: Pick<CommentThread, 'project' | 'selector' | 'page_url'>): Promise<(SourceHint & { uri: vscode.Uri }) | undefined> {
  const local = (await workspaceProjects()).find((p) => p.name === thread.project);
  if (!local) return undefined;
  const folder = vscode.Uri.file(path.dirname(local.config.fsPath));
  const hint = sourceFromSelector(thread.selector);
  if (hint) {
    const uri = vscode.Uri.joinPath(folder, hint.file);
    const exists = await vscode.workspace.fs.stat(uri).then(
      () => true,
      () => false,
    );
    return exists ? { ...hint, uri } : undefined;
  }
  for (const glob of routeFileGlobs(thread.page_url)) {
    const [uri] = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), '**/node_modules/**', 1);
    if (uri) return { file: path.relative(folder.fsPath, uri.fsPath), uri };
  }
  return undefined;
}

/**
 * One comment thread from a preview, in a panel: the page and viewport it was made on, the screenshot stagingd
 * took, the messages, and reply, resolve or reopen; the page and the source file it points at open from here.
 * One panel a thread; it follows the thread's comment events and is restored after a reload.
 */
export class CommentPanel implements vscode.Disposable {
  static readonly viewType = 'staging.comment';
  private static readonly open = new Map<string, CommentPanel>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private thread: CommentThread | undefined;
  private screenshot: string | undefined;
  /** Where the comment points in the workspace: looked up once, since a thread's page and element never change. */
  private source: Promise<string | null> | undefined;
  /** What the page last rendered (it reports back), for tests and diagnostics. */
  rendered: CommentRendered | undefined;
  private readonly renderedEmitter = new vscode.EventEmitter<CommentRendered>();
  readonly onDidRender = this.renderedEmitter.event;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    private readonly context: CommandContext,
    readonly commentId: string,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: [webviewRoot(extension)] };
    panel.webview.html = webviewHtml(panel.webview, extension, 'comment', 'Comment', style, { heading: false });
    this.disposables.push(
      this.renderedEmitter,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      context.events.onActivity((activity) => {
        const id = activity['id'];
        const parent = activity['parent_id'];
        if (activity.type.startsWith('comment.') && (id === this.commentId || parent === this.commentId)) void this.refresh().catch(() => undefined);
      }),
      context.events.onState(() => void this.refresh().catch(() => undefined)),
    );
  }

  static show(extension: vscode.ExtensionContext, context: CommandContext, commentId: string): CommentPanel {
    const existing = CommentPanel.open.get(commentId);
    if (existing) {
      existing.panel.reveal();
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(CommentPanel.viewType, 'Comment', vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [webviewRoot(extension)],
    });
    return CommentPanel.restore(panel, extension, context, commentId);
  }

  static restore(panel: vscode.WebviewPanel, extension: vscode.ExtensionContext, context: CommandContext, commentId: string): CommentPanel {
    const restored = new CommentPanel(panel, extension, context, commentId);
    CommentPanel.open.set(commentId, restored);
    return restored;
  }

  static serializer(extension: vscode.ExtensionContext, context: CommandContext): vscode.WebviewPanelSerializer<unknown> {
    return panelSerializer(
      isCommentPageState,
      (state) => CommentPanel.open.has(state.commentId),
      (panel, state) => CommentPanel.restore(panel, extension, context, state.commentId),
    );
  }

  private async receive(message: unknown): Promise<void> {
    if (!isCommentCommand(message)) return;
    try {
      await this.handle(message);
    } catch (error) {
      if (message.type === 'reply') await this.post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
      else await reportError(error, this.context);
    }
  }

  private async handle(message: CommentCommand): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.refresh();
        break;
      case 'rendered': {
        const { type: _, ...rendered } = message;
        this.rendered = rendered;
        this.renderedEmitter.fire(rendered);
        break;
      }
      case 'reply':
        await vscode.commands.executeCommand('staging.replyComment', this.commentId, message.body);
        await this.post({ type: 'replied' });
        break;
      case 'resolve':
      case 'reopen':
        await vscode.commands.executeCommand(message.type === 'resolve' ? 'staging.resolveComment' : 'staging.reopenComment', this.commentId);
        break;
      case 'openPage':
        if (this.thread?.url) await vscode.env.openExternal(vscode.Uri.parse(this.thread.url));
        break;
      case 'openSource':
        await vscode.commands.executeCommand('staging.openCommentSource', this.commentId);
        break;
    }
  }

  /** Reads the thread again and posts it; the screenshot once, when stagingd has it. */
  async refresh(): Promise<void> {
    if (!this.ready || this.context.session.state !== 'signedIn') return;
    const api = this.context.session.api;
    let thread: CommentThread;
    try {
      thread = await api.comment(this.commentId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        this.panel.dispose();
        return;
      }
      throw error;
    }
    this.thread = thread;
    this.panel.title = `Comment: ${thread.body.split('\n')[0]!.slice(0, 30)}`;
    if (thread.screenshot === 'ready' && !this.screenshot)
      this.screenshot = `data:image/png;base64,${Buffer.from(await api.commentScreenshot(thread.id)).toString('base64')}`;
    this.source ??= commentSource(thread).then(
      (found) => (found ? `${found.file}${found.line ? `:${found.line}` : ''}` : null),
      () => null,
    );
    const source = await this.source;
    const state: CommentState = {
      type: 'state',
      thread: threadView(thread),
      screenshot: this.screenshot ? { dataUrl: this.screenshot } : thread.screenshot === 'pending' ? 'pending' : null,
      source,
      connected: this.context.events.state !== 'disconnected',
    };
    await this.post(state);
  }

  private async post(update: CommentUpdate): Promise<void> {
    await this.panel.webview.postMessage(update);
  }

  dispose(): void {
    if (CommentPanel.open.get(this.commentId) === this) CommentPanel.open.delete(this.commentId);
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
    this.panel.dispose();
  }
}
