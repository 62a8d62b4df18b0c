import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  isCommentCommand,
  isCommentPageState,
  type CommentCommand,
  type CommentRendered,
  type CommentPageState,
  type CommentState,
  type CommentUpdate,
  type ThreadView,
} from '../../../webview/src/comment/protocol';
import { commentStyle } from '../../../webview/src/comment/style';
import type { CommentThread } from '../api/staging-api';
import type { CommandContext } from '../commands/command-context';
import { routeFileGlobs, sourceFromSelector, type SourceHint } from '../comment-source';
import { workspaceProjects } from '../workspace-projects';
import { OpenPanels, PanelHost } from './panel-host';
import { openPreview } from '../open-preview';

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
export class CommentPanel extends PanelHost<CommentCommand, CommentUpdate, CommentRendered> {
  static readonly viewType = 'staging.comment';
  private thread: CommentThread | undefined;
  private screenshot: string | undefined;
  /** Where the comment points in the workspace: looked up once, since a thread's page and element never change. */
  private source: Promise<string | null> | undefined;

  static panels(extension: vscode.ExtensionContext, context: CommandContext): OpenPanels<CommentPageState, CommentPanel> {
    return new OpenPanels(
      extension,
      CommentPanel.viewType,
      (state) => state.commentId,
      isCommentPageState,
      (panel, state) => new CommentPanel(panel, extension, context, state.commentId),
    );
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    context: CommandContext,
    readonly commentId: string,
  ) {
    super(panel, extension, context, { script: 'comment', title: 'Comment', style: commentStyle, heading: false, isCommand: isCommentCommand });
    this.disposables.push(
      context.events.onActivity((activity) => {
        const id = activity['id'];
        const parent = activity['parent_id'];
        if (activity.type.startsWith('comment.') && (id === this.commentId || parent === this.commentId)) void this.refresh();
      }),
      context.events.onState(() => void this.refresh()),
    );
  }

  /** A failed reply is shown beside the form; anything else is reported. */
  protected override async commandFailed(error: unknown, command: CommentCommand): Promise<void> {
    if (command.type === 'reply') await this.post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    else await super.commandFailed(error, command);
  }

  /** A thread that cannot be read says why, where a failed reply would. */
  protected override loadFailed(error: unknown): Promise<CommentUpdate> {
    return Promise.resolve({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }

  protected async handle(message: CommentCommand): Promise<void> {
    switch (message.type) {
      case 'ready':
        await this.refresh();
        break;
      case 'rendered':
        break;
      case 'reply':
        await vscode.commands.executeCommand('staging.replyComment', this.commentId, message.body);
        await this.post({ type: 'replied' });
        break;
      case 'resolve':
      case 'reopen':
        await vscode.commands.executeCommand(message.type === 'resolve' ? 'staging.resolveComment' : 'staging.reopenComment', this.commentId);
        break;
      case 'openPage':
        if (this.thread?.url) await openPreview(this.thread.url);
        break;
      case 'openSource':
        await vscode.commands.executeCommand('staging.openCommentSource', this.commentId);
        break;
    }
  }

  /** Reads the thread; the screenshot once, when stagingd has it. */
  protected override async load(): Promise<CommentState | undefined> {
    if (this.context.session.state !== 'signedIn') return undefined;
    const api = this.context.session.api;
    const thread = await this.readOrClose(api.comment(this.commentId));
    if (!thread) return undefined;
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
    return state;
  }
}
