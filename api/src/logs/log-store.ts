import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DeploymentLog, type FileLimits, type TailLimits } from './deployment-log';
import { assertSafeDeploymentId } from './deployment-id';
import { LineSplitter } from './line-splitter';
import { previousLogFile, readLogFiles } from './log-file';
import { isLogStream, type LogLine, type LogStream } from './log-line';
import type { LogReader } from './log-reader';
import type { SharedLogCopy } from './shared-log-copy';

export type { LogLine, LogStream } from './log-line';

export interface LogStoreOptions {
  /** Newest lines kept in memory per deployment (default 10,000) ... */
  tailLines?: number;
  /** ... and at most this many characters of them (default 4 Mi). */
  tailChars?: number;
  /** A deployment's log nobody used for between one and two of these is dropped from memory (default 60 s). */
  idleMs?: number;
  /** A log file past this size is set aside for a new one, and the one set aside before is deleted (default 64 MiB). */
  maxFileBytes?: number;
  /** Replicas sharing a store: every line, finish and removal goes there too, and logs are read from there. */
  shared?: SharedLogCopy;
}

export interface LogWriter {
  write(chunk: Buffer | string): void;
  /** Writes the unfinished last line, if any: call it when the process exits. */
  flushPartial(): void;
}

/**
 * Deployment logs: one JSON-lines file per deployment under `directory`, numbered lines (ids 1, 2, 3, ... per
 * deployment) that survive a restart of stagingd, and live following for server-sent events. A log keeps its newest
 * lines, between one and two files of `maxFileBytes`.
 *
 * append() assigns the id and notifies followers synchronously, from memory; the file is written in batches a turn of
 * the event loop later (flush() waits for it). A crash loses at most the lines of that last turn; ids are reserved on
 * disk ahead of use, so numbering then continues past every id handed out (never reusing one a client saw), after a
 * line saying lines may be missing.
 */
export class LogStore implements LogReader {
  private readonly logs = new Map<string, DeploymentLog>();
  private readonly limits: TailLimits & FileLimits;
  private readonly sharedCopy: SharedLogCopy | undefined;
  private readonly sweeper: NodeJS.Timeout;
  private isClosed = false;

  constructor(
    private readonly directory: string,
    options: LogStoreOptions = {},
  ) {
    mkdirSync(directory, { recursive: true });
    this.limits = { lines: options.tailLines ?? 10_000, chars: options.tailChars ?? 4 * 1024 * 1024, maxFileBytes: options.maxFileBytes ?? 64 * 1024 * 1024 };
    this.sharedCopy = options.shared;
    const idleMs = options.idleMs ?? 60_000;
    this.sweeper = setInterval(() => this.releaseIdle(), idleMs).unref();
  }

  /** Appends one line (text without its newline; a trailing \r is dropped, text over 16 Ki characters truncated). */
  append(deploymentId: string, stream: LogStream, text: string): LogLine {
    if (!isLogStream(stream)) throw new Error(`Unknown log stream: ${String(stream)}`);
    const line = this.log(deploymentId).append(stream, text);
    this.sharedCopy?.appended(deploymentId, line);
    return line;
  }

  /**
   * Where logs are read: the copy replicas share when there is one (it holds every replica's lines, this one's among
   * them), else this replica's files.
   */
  get reader(): LogReader {
    return this.sharedCopy ?? this;
  }

  /**
   * Takes over a log another replica wrote (it fell silent): lines appended here from now on are numbered after the
   * ones the shared copy holds. Without a shared copy, or with a log of its own already, nothing changes.
   */
  async adopt(deploymentId: string): Promise<void> {
    if (!this.sharedCopy || this.logs.has(deploymentId) || this.files(deploymentId).some((file) => existsSync(file))) return;
    const lastId = await this.sharedCopy.lastId(deploymentId);
    if (!this.logs.has(deploymentId)) this.logs.set(deploymentId, DeploymentLog.continuing(this.directory, deploymentId, lastId, this.limits));
  }

  /** Feeds raw process output: splits it into lines, keeping a partial last line until the next chunk or flushPartial(). */
  writer(deploymentId: string, stream: LogStream): LogWriter {
    if (!isLogStream(stream)) throw new Error(`Unknown log stream: ${String(stream)}`);
    this.log(deploymentId);
    const splitter = new LineSplitter((text) => this.append(deploymentId, stream, text));
    return { write: (chunk) => splitter.write(chunk), flushPartial: () => splitter.flush() };
  }

  /** close() was called: every other method throws from then on. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The deployment has a log: at least one line, or it is finished. */
  has(deploymentId: string): boolean {
    const log = this.log(deploymentId);
    return log.lastId > 0 || log.finished;
  }

  /** The log is complete (its release stopped for good, or it failed): followers end after its last line. Persisted. */
  finish(deploymentId: string): void {
    this.log(deploymentId).finish();
    this.sharedCopy?.finished(deploymentId, true);
  }

  /** Reopens a finished log (a rolled-back-to release starts running again). */
  reopen(deploymentId: string): void {
    this.log(deploymentId).reopen();
    this.sharedCopy?.finished(deploymentId, false);
  }

  isFinished(deploymentId: string): boolean {
    return this.log(deploymentId).finished;
  }

  /** Lines with id > afterId that exist now. */
  read(deploymentId: string, afterId = 0): AsyncIterable<LogLine> {
    const log = this.log(deploymentId);
    return this.readLines(log, afterId, log.lastId);
  }

  /** Lines with id > afterId, then live ones as they come, until the log is finished, the signal aborts or the store closes. */
  follow(deploymentId: string, afterId: number, signal: AbortSignal): AsyncIterable<LogLine> {
    return this.followLines(this.log(deploymentId), afterId, signal);
  }

  /**
   * Waits until the lines appended so far are in the copy replicas share (at once without one): before saying a
   * deployment ended, so that whoever hears it on another replica reads its whole log.
   */
  async shared(): Promise<void> {
    await this.sharedCopy?.flush();
  }

  /** Waits until the lines appended so far are on disk (for tests and shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.logs.values()].map((log) => log.file.whenWritten(log.lastId)));
    await this.sharedCopy?.flush();
  }

  /**
   * Deletes a deployment's log (its file, the one set aside by rotation, its id reservation and finished mark), once
   * the deployment itself is gone: its followers end, and nothing of it stays on disk.
   */
  async remove(deploymentId: string): Promise<void> {
    assertSafeDeploymentId(deploymentId);
    const log = this.logs.get(deploymentId);
    if (log) {
      this.logs.delete(deploymentId);
      log.notify();
      await log.close();
    }
    for (const file of this.files(deploymentId)) rmSync(file, { force: true });
    this.sharedCopy?.removedLog(deploymentId);
  }

  /** The files a log may have on disk: its file, the one rotation set aside, its id reservation and finished mark. */
  files(deploymentId: string): string[] {
    assertSafeDeploymentId(deploymentId);
    const path = join(this.directory, `${deploymentId}.log`);
    return [path, previousLogFile(path), join(this.directory, `${deploymentId}.ids`), join(this.directory, `${deploymentId}.finished`)];
  }

  /** Ends followers, writes pending lines and closes the files. */
  async close(): Promise<void> {
    this.isClosed = true;
    clearInterval(this.sweeper);
    const logs = [...this.logs.values()];
    this.logs.clear();
    for (const log of logs) log.notify();
    await Promise.all(logs.map((log) => log.close()));
    await this.sharedCopy?.close();
  }

  /** The deployment's log, loaded from disk on first use (after a restart, or after it was released as idle). */
  private log(deploymentId: string): DeploymentLog {
    if (this.isClosed) throw new Error('The log store is closed');
    let log = this.logs.get(deploymentId);
    if (log === undefined) {
      assertSafeDeploymentId(deploymentId);
      log = DeploymentLog.load(this.directory, deploymentId, this.limits);
      this.logs.set(deploymentId, log);
    }
    log.touched = true;
    return log;
  }

  private async *readLines(log: DeploymentLog, afterId: number, untilId: number): AsyncGenerator<LogLine> {
    // Users keep the log in memory, so a follower never holds a copy that was released and no longer gets lines.
    log.users++;
    try {
      for await (const batch of this.batches(log, afterId, untilId)) {
        for (const line of batch) yield line;
      }
    } finally {
      log.users--;
      log.touched = true;
    }
  }

  private async *followLines(log: DeploymentLog, afterId: number, signal: AbortSignal): AsyncGenerator<LogLine> {
    log.users++;
    try {
      let lastId = afterId;
      while (!signal.aborted && !this.isClosed) {
        if (lastId < log.lastId) {
          const untilId = log.lastId;
          for await (const batch of this.batches(log, lastId, untilId)) {
            for (const line of batch) {
              yield line;
              if (signal.aborted) return;
            }
          }
          lastId = untilId;
        } else if (log.finished) {
          return;
        } else {
          await log.changed(signal);
        }
      }
    } finally {
      log.users--;
      log.touched = true;
    }
  }

  /**
   * Lines with afterId < id <= untilId, in batches (a line at a time costs a promise or two; 100k+ lines a second
   * add up): from memory when they are still there, older ones from the file.
   */
  private async *batches(log: DeploymentLog, afterId: number, untilId: number): AsyncGenerator<LogLine[]> {
    let lastId = afterId;
    while (lastId < untilId) {
      const inMemory = log.tail.after(lastId);
      if (inMemory !== undefined) {
        // Ids in memory run without gaps from lastId + 1.
        const count = untilId - lastId;
        yield inMemory.length > count ? inMemory.slice(0, count) : inMemory;
        return;
      }
      const fileUntilId = Math.min(untilId, (log.tail.firstId ?? log.lastId + 1) - 1);
      await log.file.whenWritten(fileUntilId);
      yield* readLogFiles([previousLogFile(log.path), log.path], lastId, fileUntilId);
      // Lines missing from the file (only after damage to it) are skipped rather than looked for forever.
      lastId = fileUntilId;
    }
  }

  private releaseIdle(): void {
    for (const [deploymentId, log] of this.logs) {
      if (log.touched) log.touched = false;
      else if (log.users === 0 && log.file.idle) {
        this.logs.delete(deploymentId);
        log.close().catch(() => undefined);
      }
    }
  }
}
