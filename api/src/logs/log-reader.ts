import type { LogLine } from './log-line';

/** What reading a log needs: this replica's files (LogStore), or the copy every replica shares (SharedLogCopy). */
export interface LogReader {
  /** The reader is closed: followers have ended. */
  readonly closed: boolean;
  /** Lines with id > afterId that exist now. */
  read(logId: string, afterId?: number): AsyncIterable<LogLine>;
  /** Lines with id > afterId, then live ones as they come, until the log is finished or the signal aborts. */
  follow(logId: string, afterId: number, signal: AbortSignal): AsyncIterable<LogLine>;
  isFinished(logId: string): boolean | Promise<boolean>;
}
