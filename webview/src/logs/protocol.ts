/** Messages between the deployment log viewer panel and its host in the extension, declared once for both sides. */
import { messageGuard } from '../shared/message-type';

/** Where a line came from: the build, the running app, or stagingd itself (the API's `stream`). */
export type LogPhase = 'build' | 'runtime' | 'system';

/** One line of a deployment's log as the host forwards it: the SSE event id is its line number. */
export interface LogEntry {
  id: number;
  stream: LogPhase;
  /** As the process wrote it, ANSI escapes included. */
  text: string;
}

/** The stream as the host sees it; `ended` once stagingd sent the `end` event (the log is complete). */
export type LogStreamState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized' | 'ended' | 'error';

/** Which lines the viewer shows: every phase, or one. */
export type PhaseFilter = 'all' | LogPhase;

/** What the page keeps across a reload (vscode.setState); the serializer reopens the deployment's log from it. */
export interface LogViewerState {
  deploymentId: string;
  query?: string;
  filter?: PhaseFilter;
}

/** A search as the page ran it; `match` is the current one, as plain text (ANSI removed). */
export interface LogSearchResult {
  query: string;
  total: number;
  /** 0-based index of the current match, -1 when there is none. */
  current: number;
  match: { line: number; stream: LogPhase; text: string } | null;
}

/** Host -> panel. `lines` come in batches (every 50 ms or 1000 lines), never one message a line. */
export type LogViewerUpdate =
  | { type: 'init'; deploymentId: string; title: string; detail: string; /** queued, building or starting */ cancellable: boolean }
  | { type: 'lines'; lines: LogEntry[] }
  | { type: 'state'; state: LogStreamState; message?: string }
  | { type: 'search'; query: string };

/** Panel -> host. */
export type LogViewerCommand =
  { type: 'ready' } | { type: 'received'; lines: number; complete: boolean } | ({ type: 'searched' } & LogSearchResult) | { type: 'cancel' };

export const isLogViewerUpdate = messageGuard<LogViewerUpdate>(['init', 'lines', 'state', 'search']);
export const isLogViewerCommand = messageGuard<LogViewerCommand>(['ready', 'received', 'searched', 'cancel']);

export function isLogViewerState(state: unknown): state is LogViewerState {
  return typeof state === 'object' && state !== null && typeof (state as { deploymentId?: unknown }).deploymentId === 'string';
}
