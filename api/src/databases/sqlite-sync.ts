import { statSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DatabaseConfig } from '../../../common/src/config/model';
import type { Sandbox } from '../runtime/sandbox';
import { SyncRefused, type UnclassifiedColumn } from './copy-plan';
import type { SyncOutcome, TableCopied } from './postgres-sync';
import { sqliteTool } from './sqlite-tool';

/** What the copy's thread is given (sqlite-copy-worker.ts), and what it says back. */
export interface CopyRequest {
  file: string;
  config: DatabaseConfig;
  key: Uint8Array;
}
export type CopyMessage =
  | { kind: 'log'; line: string }
  | { kind: 'done'; tables: TableCopied[]; notes: string[] }
  | { kind: 'failed'; message: string; unclassified: UnclassifiedColumn[] | undefined };

export interface SqliteSyncJob {
  sandbox: Sandbox;
  /** Production's data folder, and its database file's path in it (staging.yaml's `source`). */
  productionData: string;
  /** The environment's data folder: its file is at the same path in it. */
  environmentData: string;
  file: string;
  config: DatabaseConfig;
  /** The project's anonymisation key. */
  key: Buffer;
  /** The sync's own folder in stagingd's data directory: no release reaches it. */
  workDir: string;
  log: (line: string) => void;
  signal: AbortSignal;
}

/**
 * Copies production's SQLite database into an environment's: a consistent snapshot of production's file (VACUUM INTO,
 * in the sandbox), checked against the rules and strict mode, anonymised in place in stagingd's own folder (its
 * triggers set aside, so none copies an original value elsewhere), the tables left out emptied, vacuumed (no page keeps
 * an original value), then put in place of the environment's file in one transaction. Until then the environment's
 * previous data serves, untouched.
 */
export async function syncSqlite(job: SqliteSyncJob): Promise<SyncOutcome> {
  const { sandbox, signal } = job;
  const snapshotAt = new Date().toISOString();
  await sqliteTool(
    sandbox,
    job.workDir,
    job.productionData,
    'snapshot',
    [path.posix.join(sandbox.dataPath(job.productionData), job.file), 'copy.sqlite'],
    signal,
  );
  job.log(`snapshot of production's ${job.file} taken at ${snapshotAt}`);
  const copy = path.join(job.workDir, 'copy.sqlite');
  const { tables, notes } = await inThread({ file: copy, config: job.config, key: new Uint8Array(job.key) }, (line) => job.log(line), signal);
  signal.throwIfAborted();
  await sqliteTool(
    sandbox,
    job.workDir,
    job.environmentData,
    'replace',
    ['copy.sqlite', path.posix.join(sandbox.dataPath(job.environmentData), job.file)],
    signal,
  );
  job.log(`the copy is now the environment\u2019s ${job.file} (${statSync(copy).size} bytes)`);
  return { snapshotAt, tables, notes };
}

/** Runs the copy's work in its own thread (bundled beside stagingd in dist/, or beside this file); a cancel ends it. */
function inThread(request: CopyRequest, log: (line: string) => void, signal: AbortSignal): Promise<{ tables: TableCopied[]; notes: string[] }> {
  signal.throwIfAborted();
  const worker = new Worker(path.join(__dirname, 'sqlite-copy-worker.js'), { workerData: request });
  return new Promise((resolve, reject) => {
    const stop = (): void => {
      void worker.terminate();
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', stop, { once: true });
    const settle = (): void => {
      signal.removeEventListener('abort', stop);
      void worker.terminate();
    };
    worker.on('message', (message: CopyMessage) => {
      if (message.kind === 'log') return log(message.line);
      settle();
      if (message.kind === 'done') resolve({ tables: message.tables, notes: message.notes });
      else reject(message.unclassified ? new SyncRefused(message.message, message.unclassified) : new Error(message.message));
    });
    worker.on('error', (error: Error) => {
      settle();
      reject(error);
    });
    worker.on('exit', (code) => {
      settle();
      reject(new Error(`the copy's thread ended (code ${code})`));
    });
  });
}
