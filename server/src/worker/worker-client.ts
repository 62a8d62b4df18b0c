import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { RequestKind, WorkerRequest, WorkerResponse, WorkerResults } from './protocol';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };
type RequestOf<K extends RequestKind> = Omit<Extract<WorkerRequest, { kind: K }>, 'id'>;

/**
 * The main thread's handle on the document worker. Texts are mirrored to it as they change; if it
 * dies, pending requests fail and a new worker is started with every open document's text.
 */
export class DocumentWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly texts = new Map<string, { version: number; text: string }>();

  constructor(private readonly onError: (message: string) => void) {}

  update(uri: string, version: number, text: string): void {
    this.texts.set(uri, { version, text });
    this.post({ kind: 'update', uri, version, text });
  }

  close(uri: string): void {
    this.texts.delete(uri);
    this.post({ kind: 'close', uri });
  }

  request<K extends RequestKind>(request: RequestOf<K> & { kind: K }): Promise<WorkerResults[K]> {
    const id = this.nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.post({ ...request, id } as WorkerRequest);
    });
  }

  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private post(message: WorkerRequest): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Bundled, the worker sits beside the server (dist/); compiled by tsc, beside this file.
    const bundled = path.join(__dirname, 'document-worker.js');
    const worker = new Worker(bundled);
    worker.unref();
    worker.on('message', (response: WorkerResponse) => {
      const pending = this.pending.get(response.id);
      this.pending.delete(response.id);
      if ('error' in response) pending?.reject(new Error(response.error));
      else pending?.resolve(response.result);
    });
    worker.on('error', (error: Error) => this.onError(`document worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', () => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(new Error('document worker exited'));
      this.pending.clear();
    });
    this.worker = worker;
    for (const [uri, { version, text }] of this.texts) worker.postMessage({ kind: 'update', uri, version, text } satisfies WorkerRequest);
    return worker;
  }
}
