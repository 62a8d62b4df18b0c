import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Anonymizer } from './anonymize/anonymizer';
import { RowRewriter, type RewriteRule } from './row-rewrite';

export interface RewriteRequest {
  id: number;
  text: string;
  rules: readonly RewriteRule[];
}

export type RewriteResponse = { id: number; text: string } | { id: number; error: string };

interface Waiting {
  resolve(text: string): void;
  reject(error: Error): void;
}

/**
 * Threads that anonymise a sync's rows: two CPUs are left to the copy itself (PostgreSQL's reading and writing
 * backends), the rest, up to four, take rows. Each chunk goes to the thread with the least work waiting. Each thread
 * has the project's key; the same value gets the same replacement in every thread. On a machine of two CPUs or fewer
 * the rows are rewritten on stagingd's own thread: a thread there only adds a heap and copies (measured: slower, and
 * three times the memory).
 */
export class RewritePool {
  private readonly workers: { worker: Worker; waiting: Map<number, Waiting> }[] = [];
  private readonly inThread: RowRewriter | undefined;
  private nextId = 0;
  private failure: Error | undefined;

  constructor(key: Buffer, size = Math.min(4, Math.max(0, availableParallelism() - 2))) {
    if (size === 0) this.inThread = new RowRewriter(new Anonymizer(key));
    // Bundled, the worker sits beside stagingd (dist/); compiled by tsc, beside this file.
    const file = path.join(__dirname, 'rewrite-worker.js');
    for (let i = 0; i < size; i++) {
      // A small heap, collected often: the strings of rows come and go by the million.
      const worker = new Worker(file, { workerData: new Uint8Array(key), resourceLimits: { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 } });
      const waiting = new Map<number, Waiting>();
      worker.on('message', (response: RewriteResponse) => {
        const entry = waiting.get(response.id);
        waiting.delete(response.id);
        if ('error' in response) entry?.reject(new Error(response.error));
        else entry?.resolve(response.text);
      });
      const fail = (error: Error): void => {
        this.failure ??= error;
        for (const entry of waiting.values()) entry.reject(error);
        waiting.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`a rewrite thread exited (${code})`)));
      this.workers.push({ worker, waiting });
    }
  }

  rewrite(text: string, rules: readonly RewriteRule[]): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.inThread) {
      try {
        return Promise.resolve(this.inThread.rewrite(text, rules));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    const target = this.workers.reduce((least, candidate) => (candidate.waiting.size < least.waiting.size ? candidate : least));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      target.waiting.set(id, { resolve, reject });
      target.worker.postMessage({ id, text, rules } satisfies RewriteRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('the sync ended');
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}
