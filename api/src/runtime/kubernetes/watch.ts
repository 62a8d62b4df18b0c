/**
 * A watch that keeps going until its handler is satisfied: it resumes from the last resourceVersion it saw when
 * the connection ends (the server closes watches after a while), and when that version has expired (410 in an
 * ERROR event) it lists again and hands the handler the current objects before watching from the list's version.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describeFailure, type KubernetesApis } from './client';

export interface WatchEvent<T> {
  /** ADDED, MODIFIED, DELETED, or LISTED for the objects of a re-list. */
  type: string;
  object: T;
}

export interface WatchOptions<T> {
  /** The collection, e.g. `/apis/apps/v1/namespaces/<ns>/deployments`. */
  path: string;
  query?: { labelSelector?: string; fieldSelector?: string };
  /** Start after this resourceVersion (from the write or the list that preceded the watch). */
  from: string;
  /** Returns true when the wait is over. */
  handle(event: WatchEvent<T>): boolean;
  relist(): Promise<{ items: T[]; resourceVersion: string }>;
  signal: AbortSignal;
}

interface Versioned {
  metadata?: { resourceVersion?: string };
}

/** Watches until `handle` returns true; rejects with the signal's reason when it aborts first. */
export async function watchUntil<T extends Versioned>(apis: KubernetesApis, options: WatchOptions<T>): Promise<void> {
  let version = options.from;
  let failures = 0;
  while (!options.signal.aborted) {
    const outcome = await new Promise<'done' | 'expired' | 'ended'>((resolve) => {
      let settled = false;
      let request: AbortController | undefined;
      const settle = (value: 'done' | 'expired' | 'ended') => {
        if (settled) return;
        settled = true;
        options.signal.removeEventListener('abort', onAbort);
        request?.abort();
        resolve(value);
      };
      const onAbort = () => settle('ended');
      options.signal.addEventListener('abort', onAbort);
      apis.watch
        .watch(
          options.path,
          { ...options.query, resourceVersion: version, allowWatchBookmarks: true },
          (type: string, object: T & { code?: number }) => {
            if (settled) return;
            if (type === 'ERROR') return settle(object.code === 410 ? 'expired' : 'ended');
            if (object.metadata?.resourceVersion) version = object.metadata.resourceVersion;
            failures = 0;
            if (type !== 'BOOKMARK' && options.handle({ type, object })) settle('done');
          },
          () => settle('ended'),
        )
        .then((controller) => {
          request = controller;
          if (settled) controller.abort();
        })
        .catch(() => settle('ended'));
    });
    if (outcome === 'done') return;
    if (options.signal.aborted) break;
    if (outcome === 'expired') {
      const list = await options.relist();
      version = list.resourceVersion;
      if (list.items.some((object) => options.handle({ type: 'LISTED', object }))) return;
      continue;
    }
    // The connection ended: resume at once, then back off while the API does not answer.
    if (failures > 0) await sleep(Math.min(2000, 100 * 2 ** failures), undefined, { signal: options.signal }).catch(() => undefined);
    failures++;
  }
  throw options.signal.reason instanceof Error ? options.signal.reason : new Error(describeFailure('watching', options.signal.reason));
}
