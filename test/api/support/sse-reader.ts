import { request } from 'undici';

export interface SseFrame {
  id: string | undefined;
  event: string;
  data: string;
}

/** Reads server-sent events from a URL until the stream ends or the signal aborts; comments are skipped. */
export async function* readEventStream(url: string, headers: Record<string, string>, signal: AbortSignal): AsyncGenerator<SseFrame> {
  const response = await request(url, { headers: { accept: 'text/event-stream', ...headers }, signal });
  if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}: ${await response.body.text()}`);
  let buffer = '';
  let frame: { id?: string; event?: string; data: string[] } = { data: [] };
  try {
    for await (const chunk of response.body) {
      buffer += (chunk as Buffer).toString('utf8');
      let newline: number;
      while ((newline = buffer.search(/\r\n|\n|\r/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (frame.data.length > 0) yield { id: frame.id, event: frame.event ?? 'message', data: frame.data.join('\n') };
          frame = { data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') frame.data.push(value);
        else if (field === 'id') frame.id = value;
        else if (field === 'event') frame.event = value;
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    // A consumer that stops early (break) ends the connection too.
    response.body.destroy();
  }
}
