/** Messages between a comment thread's panel and its host in the extension, declared once for both sides. */
import { messageGuard } from '../shared/message-type';

export interface ThreadMessage {
  id: string;
  author: string;
  /** `visitor`: a preview link's visitor, named as they typed it (not verified). */
  authorKind: 'visitor' | 'token';
  body: string;
  createdAt: string;
}

export interface ThreadView {
  id: string;
  project: string;
  environment: string;
  deploymentId: string | null;
  /** Path and query on the preview host, and the whole URL. */
  pageUrl: string | null;
  url: string | null;
  selector: string | null;
  viewport: { width: number; height: number } | null;
  resolved: { by: string | null; at: string } | null;
  /** The first comment, then the replies, oldest first. */
  messages: ThreadMessage[];
}

export interface CommentState {
  type: 'state';
  thread: ThreadView;
  /** A data: URL of the PNG; `pending` while stagingd takes it; null when there is none. */
  screenshot: { dataUrl: string } | 'pending' | null;
  /** Where in the workspace the comment points, when it can tell (a data-source attribute or the route's file). */
  source: string | null;
  connected: boolean;
}

/** Host -> panel. */
export type CommentUpdate = CommentState | { type: 'replied' } | { type: 'failed'; message: string };

/** What the page last rendered (for tests and diagnostics). */
export interface CommentRendered {
  messages: number;
  resolved: boolean;
  screenshot: boolean;
  source: boolean;
}

/** Panel -> host. */
export type CommentCommand =
  | { type: 'ready' }
  | ({ type: 'rendered' } & CommentRendered)
  | { type: 'reply'; body: string }
  | { type: 'resolve' }
  | { type: 'reopen' }
  | { type: 'openPage' }
  | { type: 'openSource' };

/** What the page keeps across a reload: which thread it shows. */
export interface CommentPageState {
  commentId: string;
}

export const isCommentCommand = messageGuard<CommentCommand>(['ready', 'rendered', 'reply', 'resolve', 'reopen', 'openPage', 'openSource']);
export const isCommentUpdate = messageGuard<CommentUpdate>(['state', 'replied', 'failed']);

export function isCommentPageState(value: unknown): value is CommentPageState {
  return typeof (value as Partial<CommentPageState> | null)?.commentId === 'string';
}
