import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export interface SseEvent {
  id?: number | string;
  event?: string;
  data: string;
}

export interface EventStreamOptions {
  /** A comment line this often keeps proxies and idle timeouts from closing a quiet stream (default 15,000). */
  heartbeatMs?: number;
  /** How long a client waits before reconnecting (default 1,000). */
  retryMs?: number;
}

export interface EventStream {
  /**
   * Writes one event. Resolves at once while the connection keeps up, or on 'drain' once its buffer is full: await
   * it so a slow client holds the sender back. Writes keep their order either way. After the client is gone it does nothing.
   */
  send(event: SseEvent): Promise<void>;
  /** Aborts when the connection closes (the client went away, or close() was called). */
  readonly signal: AbortSignal;
  /** Ends the response. */
  close(): void;
}

/** Starts a server-sent events response: headers and the `retry:` field go out at once, heartbeats follow. */
export function openEventStream(response: ServerResponse, options: EventStreamOptions = {}): EventStream {
  return new ResponseEventStream(response, options.heartbeatMs ?? 15_000, options.retryMs ?? 1000);
}

/**
 * The id a reconnecting client last saw: the Last-Event-ID header, else a `lastEventId` query parameter (a browser's
 * EventSource cannot set headers on its first connection). The header wins: on reconnect EventSource sends it, with
 * the newer id, to the same URL. 0 when neither holds a non-negative integer.
 */
export function lastEventId(headers: IncomingHttpHeaders, query?: unknown): number {
  return givenEventId(headers, query) ?? 0;
}

/** The id a client resumes after, or undefined when it gave none (for streams where that means "from now"). */
export function givenEventId(headers: IncomingHttpHeaders, query?: unknown): number | undefined {
  const fromHeader = parseEventId(headers['last-event-id']);
  if (fromHeader !== undefined) return fromHeader;
  if (typeof query === 'object' && query !== null && 'lastEventId' in query) return parseEventId(query.lastEventId) ?? 0;
  return undefined;
}

function parseEventId(value: unknown): number | undefined {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'number') return Number.isSafeInteger(first) && first >= 0 ? first : undefined;
  if (typeof first !== 'string') return undefined;
  const text = first.trim();
  return /^\d{1,15}$/.test(text) ? Number(text) : undefined;
}

const lineBreak = /\r\n|\r|\n/;

/** One event as text. Every line of data gets its own `data:` field, so no \n or \r in it can break the framing. */
export function encodeEvent(event: SseEvent): string {
  let frame = '';
  if (event.event !== undefined) frame += `event: ${singleLineField('event', event.event)}\n`;
  if (event.id !== undefined) frame += `id: ${singleLineField('id', String(event.id))}\n`;
  if (lineBreak.test(event.data)) {
    for (const line of event.data.split(lineBreak)) frame += `data: ${line}\n`;
  } else {
    frame += `data: ${event.data}\n`;
  }
  return frame + '\n';
}

function singleLineField(name: string, value: string): string {
  // A line break would end the field early; clients ignore an id with NUL.
  if (/[\r\n\0]/.test(value)) throw new TypeError(`An SSE ${name} cannot contain line breaks or NUL: ${JSON.stringify(value)}`);
  return value;
}

class ResponseEventStream implements EventStream {
  private readonly aborter = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private drained: Promise<void> | undefined;
  private corked = false;

  constructor(
    private readonly response: ServerResponse,
    heartbeatMs: number,
    retryMs: number,
  ) {
    response.on('close', () => this.stop());
    // A reset connection reports an error before 'close'; nothing else to do about it here.
    response.on('error', () => this.stop());
    // The client may be gone already: Fastify runs hooks before the route, and 'close' does not fire twice.
    if (response.destroyed || response.closed) {
      this.stop();
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'X-Accel-Buffering': 'no',
    });
    response.flushHeaders();
    this.write(`retry: ${retryMs}\n\n`);
    this.heartbeat = setInterval(() => {
      if (!response.writableNeedDrain) this.write(': keep-alive\n\n');
    }, heartbeatMs).unref();
  }

  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  send(event: SseEvent): Promise<void> {
    const frame = encodeEvent(event);
    if (this.signal.aborted || this.response.writableEnded) return Promise.resolve();
    return this.write(frame) ? Promise.resolve() : this.drain();
  }

  close(): void {
    this.stop();
    if (!this.response.writableEnded) this.response.end();
  }

  private stop(): void {
    clearInterval(this.heartbeat);
    this.aborter.abort();
  }

  /** Writes made in one tick leave in one packet: many log lines arrive together under load. */
  private write(text: string): boolean {
    if (!this.corked) {
      this.corked = true;
      this.response.cork();
      process.nextTick(() => {
        this.corked = false;
        this.response.uncork();
      });
    }
    return this.response.write(text);
  }

  private drain(): Promise<void> {
    this.drained ??= new Promise((resolve) => {
      const done = (): void => {
        this.response.off('drain', done);
        this.response.off('close', done);
        this.drained = undefined;
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
    return this.drained;
  }
}
