import type { EventStream } from './sse';
import type { LogReader } from '../logs/log-reader';

/**
 * Streams a deployment's log as server-sent events: lines with id > afterId, then live ones, each as an event `log`
 * whose id is the line's id (so Last-Event-ID resumes exactly), data `{"time","stream","text"}`. When the log is
 * finished it sends an event `end` (data `{"lastId"}`, no id) and closes the stream; it also closes it when the client
 * goes away or the store closes. Rejects only on a read error (the stream is closed then too).
 */
export async function streamLog(store: LogReader, deploymentId: string, afterId: number, stream: EventStream): Promise<void> {
  try {
    let lastId = afterId;
    for await (const line of store.follow(deploymentId, afterId, stream.signal)) {
      await stream.send({ id: line.id, event: 'log', data: JSON.stringify({ time: line.time, stream: line.stream, text: line.text }) });
      lastId = line.id;
    }
    if (!stream.signal.aborted && !store.closed && (await store.isFinished(deploymentId)))
      await stream.send({ event: 'end', data: JSON.stringify({ lastId }) });
  } finally {
    stream.close();
  }
}
