// A thread that anonymises COPY rows for a sync (rewrite-pool.ts): the CPU-bound part, off stagingd's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { Anonymizer } from './anonymize/anonymizer';
import { RowRewriter } from './row-rewrite';
import type { RewriteRequest, RewriteResponse } from './rewrite-pool';

const rewriter = new RowRewriter(new Anonymizer(Buffer.from(workerData as Uint8Array)));

parentPort!.on('message', (request: RewriteRequest) => {
  let response: RewriteResponse;
  try {
    response = { id: request.id, text: rewriter.rewrite(request.text, request.rules) };
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
