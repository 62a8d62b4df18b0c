import { SseParser, type SseFrame } from '../../../common/src/sse/sse-parser';
import { bodyText, httpResponse } from './http-client';

export type { SseFrame };

/** Reads server-sent events from a URL until the stream ends or the signal aborts. */
export async function* readEventStream(url: string, headers: Record<string, string>, signal: AbortSignal): AsyncGenerator<SseFrame> {
  const response = await httpResponse(url, { headers: { accept: 'text/event-stream', ...headers }, signal });
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${await bodyText(response)}`);
  const parser = new SseParser();
  try {
    for await (const chunk of response) yield* parser.push(chunk as Buffer);
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    // A consumer that stops early (break) ends the connection too.
    response.destroy();
  }
}
