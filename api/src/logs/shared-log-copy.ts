import { setTimeout as sleep } from 'node:timers/promises';
import type { Database, Row } from '../store/database';
import { text } from '../store/database';
import { isLogStream, type LogLine } from './log-line';
import type { LogReader } from './log-reader';

/** How long appended lines wait to be written together, and how often a follower looks for new ones. */
const FLUSH_MS = 100;
const POLL_MS = 200;
/** Rows a statement inserts at most (PostgreSQL takes 65,535 parameters in one). */
const ROWS_PER_INSERT = 500;
const PAGE = 1000;

/**
 * Logs in the store that replicas share, so that each can read every log, and a log outlives the replica that wrote
 * it (killed, its disk gone): the store is the one place they all reach, and PostgreSQL keeps a log's lines in order
 * by (log, id) cheaply. The writing replica keeps its file too (its write-ahead buffer); lines reach the store in
 * batches a moment later, so a follower elsewhere sees them within about FLUSH_MS + POLL_MS.
 */
export class SharedLogCopy implements LogReader {
  private queued: { logId: string; line: LogLine }[] = [];
  private ends = new Map<string, boolean>();
  private removed = new Set<string>();
  private writing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;

  constructor(
    private readonly database: Database,
    private readonly onError: (error: Error) => void,
  ) {}

  get closed(): boolean {
    return this.isClosed;
  }

  /** A line the writing replica appended (its id given by that replica's log). */
  appended(logId: string, line: LogLine): void {
    this.queued.push({ logId, line });
    this.soon();
  }

  /** The log was finished (true) or reopened (false). */
  finished(logId: string, finished: boolean): void {
    this.ends.set(logId, finished);
    this.soon();
  }

  removedLog(logId: string): void {
    this.removed.add(logId);
    this.soon();
  }

  /** The last id the shared copy holds for a log (0: none), so that a replica taking the log over numbers on from it. */
  async lastId(logId: string): Promise<number> {
    await this.flush();
    const row = await this.database.get('SELECT COALESCE(MAX(id), 0) AS id FROM log_lines WHERE log_id = ?', [logId]);
    return Number(row?.['id'] ?? 0);
  }

  async *read(logId: string, afterId = 0): AsyncIterable<LogLine> {
    // This replica's own lines first reach the store, so that it reads what it wrote.
    await this.flush();
    for (let page = await this.page(logId, afterId); page.length > 0; page = await this.page(logId, afterId)) {
      for (const line of page) yield line;
      afterId = page.at(-1)!.id;
      if (page.length < PAGE) return;
    }
  }

  async *follow(logId: string, afterId: number, signal: AbortSignal): AsyncIterable<LogLine> {
    while (!signal.aborted && !this.isClosed) {
      let got = false;
      for await (const line of this.read(logId, afterId)) {
        yield line;
        afterId = line.id;
        got = true;
        if (signal.aborted) return;
      }
      // Finished, and nothing came after the check: the log is complete.
      if (!got && (await this.isFinished(logId))) {
        const last = await this.page(logId, afterId);
        if (last.length === 0) return;
        continue;
      }
      if (!got) await sleep(POLL_MS, undefined, { signal }).catch(() => undefined);
    }
  }

  async isFinished(logId: string): Promise<boolean> {
    await this.flush();
    const row = await this.database.get('SELECT finished FROM log_ends WHERE log_id = ?', [logId]);
    return Number(row?.['finished'] ?? 0) === 1;
  }

  /** Writes what was appended so far to the store. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => this.write()).catch((error: unknown) => this.onError(error as Error));
    return this.writing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.isClosed = true;
  }

  private soon(): void {
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private async write(): Promise<void> {
    const lines = this.queued;
    const ends = this.ends;
    const removed = this.removed;
    this.queued = [];
    this.ends = new Map();
    this.removed = new Set();
    for (let start = 0; start < lines.length; start += ROWS_PER_INSERT) {
      const rows = lines.slice(start, start + ROWS_PER_INSERT);
      await this.database.run(
        `INSERT INTO log_lines (log_id, id, time, stream, text) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')} ON CONFLICT (log_id, id) DO NOTHING`,
        rows.flatMap(({ logId, line }) => [logId, line.id, line.time, line.stream, line.text]),
      );
    }
    for (const [logId, finished] of ends)
      await this.database.run('INSERT INTO log_ends (log_id, finished) VALUES (?, ?) ON CONFLICT (log_id) DO UPDATE SET finished = excluded.finished', [
        logId,
        finished ? 1 : 0,
      ]);
    for (const logId of removed) {
      await this.database.run('DELETE FROM log_lines WHERE log_id = ?', [logId]);
      await this.database.run('DELETE FROM log_ends WHERE log_id = ?', [logId]);
    }
  }

  private async page(logId: string, afterId: number): Promise<LogLine[]> {
    const rows = await this.database.all('SELECT id, time, stream, text FROM log_lines WHERE log_id = ? AND id > ? ORDER BY id LIMIT ?', [
      logId,
      afterId,
      PAGE,
    ]);
    return rows.map(lineOf);
  }
}

function lineOf(row: Row): LogLine {
  const stream = text(row, 'stream');
  return { id: Number(row['id']), time: text(row, 'time'), stream: isLogStream(stream) ? stream : 'system', text: text(row, 'text') };
}
