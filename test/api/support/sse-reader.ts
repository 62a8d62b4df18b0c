import { request } from 'undici';
import { SseParser, type SseFrame } from '../../../common/src/sse/sse-parser';

export type { SseFrame };

/** Reads server-sent events from a URL until the stream ends or the signal aborts. */
export async function* readEventStream(url: string, headers: Record<string, string>, signal: AbortSignal): AsyncGenerator<SseFrame> {
  const response = await request(url, { headers: { accept: 'text/event-stream', ...headers }, signal });
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${await response.body.text()}`);
  const parser = new SseParser();
  try {
    for await (const chunk of response.body) yield* parser.push(chunk as Buffer);
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    // A consumer that stops early (break) ends the connection too.
    response.body.destroy();
  }
}
