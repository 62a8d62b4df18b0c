import { closeSync, openSync, renameSync, write } from 'node:fs';
import { previousLogFile } from './log-file';

/** After a failed write (a full disk, say), try the same batch again this much later. */
const retryMs = 1000;

interface WriteWaiter {
  id: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Appends encoded lines to one log file in batches. enqueue() only queues, since it runs 100k+ times a second; the
 * queue goes to disk in one write a turn of the event loop, with at most one write in flight so order holds.
 */
export class LogFileWriter {
  private fd: number | undefined;
  private queued: string[] = [];
  private queuedThroughId: number;
  private writtenThroughId: number;
  private scheduled = false;
  private writing = false;
  private closed = false;
  private failure: Error | undefined;
  private waiters: WriteWaiter[] = [];

  constructor(
    private readonly path: string,
    /** Id of the last line already in the file. */
    lastId: number,
    /** The file's size now. */
    private size: number,
    /** Past this, the file is renamed `<path>.1` (replacing the one before) and a new one starts. */
    private readonly maxBytes: number,
  ) {
    this.queuedThroughId = lastId;
    this.writtenThroughId = lastId;
  }

  /** Nothing queued and nothing being written. */
  get idle(): boolean {
    return !this.writing && this.queued.length === 0;
  }

  enqueue(record: string, id: number): void {
    this.queued.push(record);
    this.queuedThroughId = id;
    if (!this.scheduled && !this.writing) {
      this.scheduled = true;
      setImmediate(() => this.writeQueued());
    }
  }

  /** Resolves once the line with this id (and all before it) is in the file; rejects while writes fail. */
  whenWritten(id: number): Promise<void> {
    if (this.writtenThroughId >= id) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiters.push({ id, resolve, reject }));
  }

  /** Writes what is queued, then closes the file. */
  async close(): Promise<void> {
    try {
      await this.whenWritten(this.queuedThroughId);
    } finally {
      this.closed = true;
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
  }

  private writeQueued(): void {
    this.scheduled = false;
    if (this.writing || this.queued.length === 0) return;
    const data = Buffer.from(this.queued.join(''));
    this.queued = [];
    this.writing = true;
    if (this.size > 0 && this.size + data.length > this.maxBytes) this.rotate();
    this.size += data.length;
    this.writeFrom(data, 0, this.queuedThroughId);
  }

  /** Sets the full file aside as `<path>.1` (a reader that opened it keeps reading it) and starts a new one. */
  private rotate(): void {
    try {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
      renameSync(this.path, previousLogFile(this.path));
      this.size = 0;
    } catch {
      // Could not set it aside: keep appending to it rather than lose lines.
    }
  }

  private writeFrom(data: Buffer, offset: number, throughId: number): void {
    let fd: number;
    try {
      // Opened on the first write, so reading a deployment that has no log creates no file.
      fd = this.fd ??= openSync(this.path, 'a', 0o600);
    } catch (error) {
      this.failed(error as Error, data, offset, throughId);
      return;
    }
    write(fd, data, offset, data.length - offset, null, (error, written) => {
      if (error) {
        this.failed(error, data, offset, throughId);
      } else if (offset + written < data.length) {
        this.writeFrom(data, offset + written, throughId);
      } else {
        this.failure = undefined;
        this.writing = false;
        this.written(throughId);
        if (this.queued.length > 0) this.writeQueued();
      }
    });
  }

  private written(throughId: number): void {
    this.writtenThroughId = throughId;
    const waiting: WriteWaiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.id <= throughId) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }

  private failed(error: Error, data: Buffer, offset: number, throughId: number): void {
    this.failure = error;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.reject(error);
    // Keep the batch (later lines queue behind it) and try again: the disk may get space back.
    if (!this.closed) setTimeout(() => this.writeFrom(data, offset, throughId), retryMs).unref();
  }
}
