/**
 * Following a release's logs from its pods: every pod of the release (those running now and those that start
 * later, found by watching) has its container's log followed (`follow=true`) line by line, each line handed on
 * with the pod's name; a restarted container is followed again. Ends when the signal aborts.
 */
import { Writable } from 'node:stream';
import type { KubernetesApis, k8s } from './client';
import { CONTAINER, LABELS } from './names';
import { watchUntil } from './watch';

export type LogLine = (line: string, pod: string) => void;

/** A stream that cuts what it is written into lines. */
function lineWriter(onLine: (line: string) => void): Writable {
  let rest = '';
  const writer = new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      lines.forEach((line) => onLine(line));
      done();
    },
    final(done) {
      if (rest) onLine(rest);
      done();
    },
  });
  // client-node pipes the response into this stream: an aborted follow errors that response, which is the end.
  writer.on('pipe', (source: NodeJS.ReadableStream) => source.on('error', () => writer.end()));
  return writer;
}

export async function followReleaseLogs(apis: KubernetesApis, namespace: string, release: string, onLine: LogLine, signal: AbortSignal): Promise<void> {
  const selector = `${LABELS.release}=${release}`;
  /** The container run (pod uid and restart count) each follow is for, so each run is followed once. */
  const followed = new Set<string>();
  const requests = new Set<AbortController>();

  const follow = (pod: k8s.V1Pod) => {
    const status = pod.status?.containerStatuses?.find((c) => c.name === CONTAINER);
    if (!status?.state?.running || !pod.metadata?.name) return;
    const run = `${pod.metadata.uid ?? pod.metadata.name}/${status.restartCount}`;
    if (followed.has(run)) return;
    followed.add(run);
    const name = pod.metadata.name;
    apis.log
      .log(
        namespace,
        name,
        CONTAINER,
        lineWriter((line) => onLine(line, name)),
        { follow: true, pretty: false, timestamps: false },
      )
      .then((request) => {
        requests.add(request);
        if (signal.aborted) request.abort();
      })
      .catch(() => followed.delete(run));
  };

  const list = await apis.core.listNamespacedPod({ namespace, labelSelector: selector });
  list.items.forEach(follow);
  signal.addEventListener('abort', () => requests.forEach((request) => request.abort()), { once: true });
  await watchUntil<k8s.V1Pod>(apis, {
    path: `/api/v1/namespaces/${namespace}/pods`,
    query: { labelSelector: selector },
    from: list.metadata?.resourceVersion ?? '0',
    signal,
    relist: async () => {
      const again = await apis.core.listNamespacedPod({ namespace, labelSelector: selector });
      return { items: again.items, resourceVersion: again.metadata?.resourceVersion ?? '0' };
    },
    handle: ({ type, object }) => {
      if (type !== 'DELETED') follow(object);
      return false;
    },
  }).catch(() => undefined);
}
