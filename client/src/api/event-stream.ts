import { SseParser, type SseFrame } from '../../../common/src/sse/sse-parser';

export type StreamState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

const backoffMs = [500, 1000, 2000, 5000, 10000, 30000];

/**
 * Follows a server-sent event stream for as long as the signal allows: a dropped connection is retried
 * with backoff and resumed with Last-Event-ID, so nothing is lost or repeated; the state says when it
 * is disconnected, so the UI never shows stale data silently.
 */
export async function followEventStream(
  connect: () => Promise<{ url: string; headers: Record<string, string> }>,
  onFrame: (frame: SseFrame) => void,
  onState: (state: StreamState) => void,
  signal: AbortSignal,
  options: { lastEventId?: string; endOn?: string } = {},
): Promise<void> {
  let lastEventId = options.lastEventId;
  for (let attempt = 0; !signal.aborted; attempt++) {
    onState('connecting');
    try {
      const { url, headers } = await connect();
      // The runtime's fetch: its body timeout (5 minutes of silence) never fires, the server sends a heartbeat every 15 s.
      const response = await fetch(url, { headers: { ...headers, ...(lastEventId ? { 'last-event-id': lastEventId } : {}) }, signal });
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        onState('unauthorized');
        return;
      }
      if (response.status !== 200 || !response.body) {
        await response.body?.cancel();
        throw new Error(`HTTP ${response.status}`);
      }
      onState('connected');
      attempt = 0;
      const parser = new SseParser();
      for await (const chunk of response.body) {
        for (const frame of parser.push(chunk as Uint8Array)) {
          if (frame.id) lastEventId = frame.id;
          onFrame(frame);
          if (options.endOn && frame.event === options.endOn) return;
        }
      }
    } catch {
      // Dropped or refused: retried below, unless we were asked to stop.
    }
    if (signal.aborted) return;
    onState('disconnected');
    const delay = backoffMs[Math.min(attempt, backoffMs.length - 1)]!;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
