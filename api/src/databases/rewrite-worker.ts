// A thread that anonymises COPY rows for a sync (rewrite-pool.ts): the CPU-bound part, off stagingd's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { Anonymizer } from './anonymize/anonymizer';
import { RowRewriter } from './row-rewrite';
import { asBuffer, transferable, type RewriteRequest, type RewriteResponse } from './rewrite-pool';

const rewriter = new RowRewriter(new Anonymizer(Buffer.from(workerData as Uint8Array)));

parentPort!.on('message', (request: RewriteRequest) => {
  let response: RewriteResponse;
  try {
    const rows = transferable(Buffer.from(rewriter.rewrite(asBuffer(request.rows).toString('utf8'), request.rules), 'utf8'));
    response = { id: request.id, rows };
    parentPort!.postMessage(response, [rows.buffer as ArrayBuffer]);
  } catch (error) {
    response = { id: request.id, error: error instanceof Error ? error.message : String(error) };
    parentPort!.postMessage(response);
  }
});
