import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IdReservation } from './id-reservation';
import { previousLogFile, recoverLogFile } from './log-file';
import { LogFileWriter } from './log-file-writer';
import { encodeLogLine, isoNow, limitLineLength, type LogLine, type LogStream } from './log-line';
import { LogTail } from './log-tail';

export interface TailLimits {
  lines: number;
  chars: number;
}

/** A log's file holds its newest lines; past this size it becomes `<id>.log.1` (replacing the one before) and a new one starts. */
export interface FileLimits {
  maxFileBytes: number;
}

/** One deployment's log while it is in memory: its newest lines, its file writer, whether it is finished, who waits. */
export class DeploymentLog {
  /** Readers and followers iterating now: the log stays in memory while there are any. */
  users = 0;
  /** Used since the last sweep for idle logs. */
  touched = true;
  private changeWaiters: Array<() => void> = [];

  private constructor(
    readonly path: string,
    private readonly finishedPath: string,
    readonly tail: LogTail,
    readonly file: LogFileWriter,
    private readonly ids: IdReservation,
    public finished: boolean,
  ) {}

  /**
   * Loads the log's state from disk: `<id>.log` (and `<id>.log.1` after a rotation) holds the lines, `<id>.ids`
   * the ids reserved, `<id>.finished` exists once it is finished. After a crash, numbering continues past every id
   * handed out, and a line says that lines a client saw may be missing.
   */
  static load(directory: string, deploymentId: string, limits: TailLimits & FileLimits): DeploymentLog {
    const path = join(directory, `${deploymentId}.log`);
    const finishedPath = join(directory, `${deploymentId}.finished`);
    const current = recoverLogFile(path);
    const lastOnDisk = current.lastId || recoverLogFile(previousLogFile(path)).lastId;
    const ids = IdReservation.load(join(directory, `${deploymentId}.ids`));
    const lastId = Math.max(lastOnDisk, ids.reserved);
    const log = new DeploymentLog(
      path,
      finishedPath,
      new LogTail(lastId, limits.lines, limits.chars),
      new LogFileWriter(path, lastId, current.size, limits.maxFileBytes),
      ids,
      existsSync(finishedPath),
    );
    if (lastId > lastOnDisk) log.append('system', `stagingd stopped without closing this log: lines after ${lastOnDisk} that were shown before may be missing`);
    return log;
  }

  /** A new log on this replica that continues one another replica wrote up to `lastId` (its lines are elsewhere). */
  static continuing(directory: string, deploymentId: string, lastId: number, limits: TailLimits & FileLimits): DeploymentLog {
    const path = join(directory, `${deploymentId}.log`);
    const ids = IdReservation.load(join(directory, `${deploymentId}.ids`));
    return new DeploymentLog(
      path,
      join(directory, `${deploymentId}.finished`),
      new LogTail(lastId, limits.lines, limits.chars),
      new LogFileWriter(path, lastId, 0, limits.maxFileBytes),
      ids,
      false,
    );
  }

  get lastId(): number {
    return this.tail.lastId;
  }

  append(stream: LogStream, text: string): LogLine {
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    const line: LogLine = { id: this.tail.lastId + 1, time: isoNow(), stream, text: limitLineLength(text) };
    this.ids.ensure(line.id);
    this.file.enqueue(encodeLogLine(line), line.id);
    this.tail.push(line);
    this.notify();
    return line;
  }

  finish(): void {
    // Written at once rather than after the queued lines: a crash loses those lines either way.
    if (!this.finished) writeFileSync(this.finishedPath, '', { mode: 0o600 });
    this.finished = true;
    this.notify();
  }

  /** Writes what is queued and closes the file; nothing past the last line was handed out. */
  async close(): Promise<void> {
    await this.file.close();
    this.ids.settle(this.lastId);
  }

  reopen(): void {
    rmSync(this.finishedPath, { force: true });
    this.finished = false;
  }

  /** Resolves on the next append or finish (or notify()), or when the signal aborts. */
  changed(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const index = this.changeWaiters.indexOf(done);
        if (index !== -1) this.changeWaiters.splice(index, 1);
        done();
      };
      this.changeWaiters.push(done);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  notify(): void {
    if (this.changeWaiters.length === 0) return;
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const wake of waiters) wake();
  }
}
