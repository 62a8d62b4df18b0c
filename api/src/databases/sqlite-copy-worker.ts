// A thread that makes a SQLite snapshot the environment's copy (sqlite-copy.ts): SQLite's work is synchronous, and a
// large file would otherwise hold stagingd's event loop (the API, the proxy) for as long as it takes.
import { parentPort, workerData } from 'node:worker_threads';
import { prepareSqliteCopy } from './sqlite-copy';
import { SyncRefused } from './copy-plan';
import type { CopyRequest, CopyMessage } from './sqlite-sync';

const request = workerData as CopyRequest;
const post = (message: CopyMessage): void => parentPort!.postMessage(message);

prepareSqliteCopy({ ...request, key: Buffer.from(request.key), log: (line) => post({ kind: 'log', line }) }).then(
  (outcome) => post({ kind: 'done', ...outcome }),
  (error: unknown) =>
    post({
      kind: 'failed',
      message: error instanceof Error ? error.message : String(error),
      unclassified: error instanceof SyncRefused ? error.unclassified : undefined,
    }),
);
