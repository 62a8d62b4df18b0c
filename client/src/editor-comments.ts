import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CommentThread } from './api/staging-api';
import { reportError, type CommandContext } from './commands/command-context';
import { CoalescedRun } from './coalesced-run';
import { sourceFromSelector } from './comment-source';
import { workspaceProjects } from './workspace-projects';

const controllerId = 'staging.previewComments';

/** A preview comment placed on a line of the workspace. */
interface Placed {
  thread: CommentThread;
  uri: vscode.Uri;
  range: vscode.Range;
}

function editorComment(message: Pick<CommentThread, 'body' | 'author' | 'author_kind' | 'created_at'>): vscode.Comment {
  // A reviewer's text, as Markdown VS Code does not trust: no command links, no HTML.
  return {
    body: new vscode.MarkdownString(message.body),
    mode: vscode.CommentMode.Preview,
    author: { name: message.author_kind === 'visitor' ? `${message.author} (preview visitor)` : message.author },
    timestamp: new Date(message.created_at),
  };
}

/**
 * Preview comments in the editor, as the GitHub Pull Requests extension shows review comments: a thread whose element
 * carries `data-source="path:line"` appears on that line of the workspace's file (VS Code's Comments API), with its
 * replies; reply, resolve and reopen from the editor. It follows the comment events and the sign-in.
 */
export class EditorComments implements vscode.Disposable {
  private readonly controller = vscode.comments.createCommentController(controllerId, 'Staging preview comments');
  /** By the API's thread id. */
  private readonly shown = new Map<string, vscode.CommentThread>();
  private readonly ids = new WeakMap<vscode.CommentThread, CommentThread>();
  private readonly disposables: vscode.Disposable[] = [this.controller];
  private readonly refresher = new CoalescedRun(async () => {
    const placed = await this.placed().catch((error: unknown) => {
      this.context.log.warn(`preview comments in the editor: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    if (placed) this.show(placed);
  });

  constructor(private readonly context: CommandContext) {
    this.controller.options = { prompt: 'Reply to the reviewer', placeHolder: 'Your reply (sent to the preview’s thread)' };
    this.disposables.push(
      context.session.onDidChange(() => void this.refresh()),
      context.events.onActivity((activity) => {
        if (activity.type.startsWith('comment.')) void this.refresh();
      }),
      vscode.commands.registerCommand('staging.replyInEditor', (reply: vscode.CommentReply) => this.run(reply.thread, (t) => this.reply(t, reply.text))),
      vscode.commands.registerCommand('staging.resolveInEditor', (thread: vscode.CommentThread) => this.run(thread, (t) => this.setResolved(t, true))),
      vscode.commands.registerCommand('staging.reopenInEditor', (thread: vscode.CommentThread) => this.run(thread, (t) => this.setResolved(t, false))),
    );
    void this.refresh();
  }

  /** The placed threads, by the API's id (for tests and diagnostics). */
  get threads(): ReadonlyMap<string, vscode.CommentThread> {
    return this.shown;
  }

  private async run(thread: vscode.CommentThread, action: (thread: CommentThread) => Promise<void>): Promise<void> {
    const ours = this.ids.get(thread);
    if (!ours) return;
    try {
      await action(ours);
    } catch (error) {
      await reportError(error, this.context);
    }
    await this.refresh();
  }

  private async reply(thread: CommentThread, text: string): Promise<void> {
    if (text.trim() === '') return;
    await this.context.session.api.reply(thread.project, thread.environment, thread.id, text);
  }

  private async setResolved(thread: CommentThread, resolved: boolean): Promise<void> {
    await this.context.session.api.setResolved(thread.id, resolved);
  }

  /** Reads the threads again and places them; calls while one runs coalesce into one more run after it. */
  refresh(): Promise<void> {
    return this.refresher.run();
  }

  /** Every thread of the workspace's projects whose element names a file of the project and a line. */
  private async placed(): Promise<Placed[]> {
    if (this.context.session.state !== 'signedIn') return [];
    const api = this.context.session.api;
    const registered = new Set((await api.projects()).map((p) => p.name));
    const placed: Placed[] = [];
    for (const local of await workspaceProjects()) {
      if (!registered.has(local.name)) continue;
      const folder = vscode.Uri.file(path.dirname(local.config.fsPath));
      for (const env of await api.environments(local.name)) {
        for (const thread of (await api.comments(local.name, env.name)).items) {
          const hint = sourceFromSelector(thread.selector);
          if (!hint?.line) continue;
          const uri = vscode.Uri.joinPath(folder, hint.file);
          const exists = await vscode.workspace.fs.stat(uri).then(
            () => true,
            () => false,
          );
          if (exists) placed.push({ thread, uri, range: new vscode.Range(hint.line - 1, 0, hint.line - 1, 0) });
        }
      }
    }
    return placed;
  }

  private show(placed: Placed[]): void {
    const wanted = new Set(placed.map((p) => p.thread.id));
    for (const [id, thread] of this.shown) {
      if (wanted.has(id)) continue;
      thread.dispose();
      this.shown.delete(id);
    }
    for (const { thread, uri, range } of placed) {
      let shown = this.shown.get(thread.id);
      if (shown && (shown.uri.toString() !== uri.toString() || !shown.range?.isEqual(range))) {
        shown.dispose();
        shown = undefined;
      }
      const comments = [editorComment(thread), ...thread.replies.map(editorComment)];
      if (!shown) {
        shown = this.controller.createCommentThread(uri, range, comments);
        shown.collapsibleState = vscode.CommentThreadCollapsibleState.Collapsed;
        this.shown.set(thread.id, shown);
      } else shown.comments = comments;
      const resolved = thread.resolved_at !== null;
      shown.label = `${thread.environment}${thread.page_url ? ` · ${thread.page_url}` : ''}`;
      shown.contextValue = resolved ? 'stagingResolved' : 'stagingOpen';
      shown.state = resolved ? vscode.CommentThreadState.Resolved : vscode.CommentThreadState.Unresolved;
      this.ids.set(shown, thread);
    }
  }

  dispose(): void {
    for (const thread of this.shown.values()) thread.dispose();
    this.shown.clear();
    for (const disposable of this.disposables) disposable.dispose();
  }
}
