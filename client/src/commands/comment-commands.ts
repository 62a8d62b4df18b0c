import * as vscode from 'vscode';
import type { CommentThread } from '../api/staging-api';
import type { CommentPageState } from '../../../webview/src/comment/protocol';
import { type CommentPanel, commentSource } from '../panels/comment-panel';
import type { OpenPanels } from '../panels/panel-host';
import { CommentThreadNode } from '../tree/nodes';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

/** The thread a command acts on: a tree node, a comment id (a reply's id stands for its thread), or one picked. */
async function commentIdFrom(context: CommandContext, arg: unknown): Promise<string | undefined> {
  if (arg instanceof CommentThreadNode) return arg.thread.id;
  if (typeof arg === 'string') return arg;
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const { items } = await context.session.api.comments(env.project, env.name);
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Nobody has commented on ${env.name} yet.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    items.map((t) => ({
      label: `${t.resolved_at ? '$(pass)' : '$(comment-unresolved)'} ${t.body.split('\n')[0]!}`,
      description: [t.author, t.page_url].filter(Boolean).join(' · '),
      id: t.id,
    })),
    { title: `Comments on ${env.name}` },
  );
  return picked?.id;
}

export function openComment(panels: OpenPanels<CommentPageState, CommentPanel>) {
  return async (context: CommandContext, arg?: unknown): Promise<CommentPanel | undefined> => {
    const id = await commentIdFrom(context, arg);
    return id ? panels.show({ commentId: id }, 'Comment') : undefined;
  };
}

/** Reply to a thread: the text given (the panel's form), or asked for. */
export async function replyComment(context: CommandContext, arg?: unknown, text?: unknown): Promise<CommentThread | undefined> {
  const id = await commentIdFrom(context, arg);
  if (!id) return undefined;
  const api = context.session.api;
  const thread = await api.comment(id);
  const body =
    typeof text === 'string'
      ? text
      : await vscode.window.showInputBox({
          title: `Reply to ${thread.author}`,
          prompt: thread.body.length > 100 ? `${thread.body.slice(0, 99)}…` : thread.body,
          validateInput: (value) => (value.trim() === '' ? 'Write a reply.' : undefined),
        });
  if (!body?.trim()) return undefined;
  await api.reply(thread.project, thread.environment, thread.id, body.trim());
  await context.followed.set(thread.project, thread.environment, true);
  return api.comment(thread.id);
}

async function setResolved(context: CommandContext, arg: unknown, resolved: boolean): Promise<CommentThread | undefined> {
  const id = await commentIdFrom(context, arg);
  return id ? context.session.api.setResolved(id, resolved) : undefined;
}

export const resolveComment = (context: CommandContext, arg?: unknown) => setResolved(context, arg, true);
export const reopenComment = (context: CommandContext, arg?: unknown) => setResolved(context, arg, false);

/** Opens the file the comment points at (a data-source attribute, or the file that renders its page), at its line. */
export async function openCommentSource(context: CommandContext, arg?: unknown): Promise<vscode.TextEditor | undefined> {
  const id = await commentIdFrom(context, arg);
  if (!id) return undefined;
  const thread = await context.session.api.comment(id);
  const source = await commentSource(thread);
  if (!source) {
    void vscode.window.showInformationMessage(
      `No file of this workspace renders ${thread.page_url ?? 'that comment'}: give the app's elements a data-source="path:line" attribute to point comments at their code.`,
    );
    return undefined;
  }
  const position = new vscode.Position(Math.max(0, (source.line ?? 1) - 1), Math.max(0, (source.column ?? 1) - 1));
  return vscode.window.showTextDocument(source.uri, { selection: new vscode.Range(position, position) });
}
