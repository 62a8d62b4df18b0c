import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { Agent, EventSource, request, type MessageEvent } from 'undici';
import { encodeEvent, lastEventId, openEventStream, type EventStream } from '../../api/src/http/sse';
import { LogStore } from '../../api/src/logs/log-store';
import { streamLog } from '../../api/src/http/log-stream';

/** What a client makes of the stream, parsed as the HTML standard says (https://html.spec.whatwg.org/#event-stream-interpretation). */
type SseMessage = { kind: 'event'; id: string | undefined; event: string; data: string } | { kind: 'comment'; text: string } | { kind: 'retry'; ms: number };

class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  feed(chunk: Uint8Array): SseMessage[] {
    this.buffer += this.decoder.decode(chunk, { stream: true });
    const messages: SseMessage[] = [];
    for (;;) {
      const end = this.buffer.search(/[\r\n]/);
      // A \r at the very end may be the first half of \r\n.
      if (end === -1 || (end === this.buffer.length - 1 && this.buffer[end] === '\r')) break;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(this.buffer.startsWith('\r\n', end) ? end + 2 : end + 1);
      const message = this.line(line);
      if (message !== undefined) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === '') {
      const data = this.data;
      const message: SseMessage = { kind: 'event', id: this.id, event: this.event || 'message', data: data.join('\n') };
      this.data = [];
      this.event = '';
      this.id = undefined;
      return data.length > 0 ? message : undefined;
    }
    if (line.startsWith(':')) return { kind: 'comment', text: line.slice(1).trim() };
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    else if (field === 'retry') return { kind: 'retry', ms: Number(value) };
    return undefined;
  }
}

interface LogEventData {
  time: string;
  stream: string;
  text: string;
}

const logDirectory = mkdtempSync(join(tmpdir(), 'staging-sse-'));
const store = new LogStore(logDirectory);
const agent = new Agent();
/** The server side of each log stream, to see it end when the client goes away. */
const streams: Array<Promise<void>> = [];

/** A promise and the function that resolves it, to wait for something the server does. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

const lateRequest = deferred<void>();
const lateStreamOpened = deferred<void>();
const floodEvents = 500;
/** Most bytes the flooding response ever held in memory. */
let floodMostBuffered = 0;
let server: Server;
let base: string;

/**
 * Forces a dropped connection from the server's side after the nth event: the connection then carries the start of
 * one more frame and dies, as when it breaks mid-write. Nothing after that is written.
 */
function droppingAfter(stream: EventStream, sends: number, response: ServerResponse): EventStream {
  let sent = 0;
  return {
    get signal() {
      return stream.signal;
    },
    close: () => stream.close(),
    send(event) {
      if (++sent < sends) return stream.send(event);
      if (sent === sends) {
        void stream.send(event);
        response.write('event: log\nid: 999999\ndata: {"text":"a frame cut in two');
        setImmediate(() => response.socket?.destroy());
      }
      return new Promise((resolve) => stream.signal.addEventListener('abort', () => resolve(), { once: true }));
    },
  };
}

before(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    if (url.pathname === '/late') {
      // As when Fastify hooks take their time: the stream opens only after the client is gone.
      response.once('close', () => {
        streams.push(streamLog(store, 'late', 0, openEventStream(response)));
        lateStreamOpened.resolve();
      });
      lateRequest.resolve();
      return;
    }
    const heartbeatMs = query.heartbeatMs === undefined ? undefined : Number(query.heartbeatMs);
    const retryMs = query.retryMs === undefined ? undefined : Number(query.retryMs);
    const stream = openEventStream(response, { heartbeatMs, retryMs });
    if (url.pathname === '/tricky-data') {
      const data = ['a\nb', 'c\r\nd', 'e\rf', 'trailing\n', '', ' leading space', 'data: injected\n\nid: 99\n\nevent: end'];
      void (async () => {
        for (const item of data) await stream.send({ event: 'tricky', data: item });
        stream.close();
      })();
      return;
    }
    if (url.pathname === '/flood') {
      void (async () => {
        for (let n = 1; n <= floodEvents; n++) {
          const sent = stream.send({ id: n, data: 'x'.repeat(64 * 1024) });
          floodMostBuffered = Math.max(floodMostBuffered, response.writableLength);
          await sent;
        }
        stream.close();
      })();
      return;
    }
    const deploymentId = url.pathname.replace('/logs/', '');
    const dropAfter = Number(query.dropAfter ?? 0);
    const served = dropAfter > 0 ? droppingAfter(stream, dropAfter, response) : stream;
    streams.push(streamLog(store, deploymentId, lastEventId(request.headers, query), served));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await agent.close();
  await store.close();
  rmSync(logDirectory, { recursive: true, force: true });
});

/** Connects and yields what arrives. Stopping the iteration drops the connection; a connection the server drops just ends it. */
async function* receive(path: string, headers: Record<string, string> = {}): AsyncGenerator<SseMessage> {
  const aborter = new AbortController();
  const response = await request(`${base}${path}`, { headers, signal: aborter.signal, dispatcher: agent });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
  const parser = new SseParser();
  try {
    for await (const chunk of response.body) yield* parser.feed(chunk as Buffer);
  } catch (error) {
    if ((error as { code?: string }).code !== 'UND_ERR_SOCKET') throw error;
  } finally {
    aborter.abort();
  }
}

async function nextMessage(messages: AsyncIterator<SseMessage>): Promise<SseMessage> {
  const result = await messages.next();
  if (result.done === true) assert.fail('the stream ended early');
  return result.value;
}

function logEvents(messages: SseMessage[]): Array<{ id: number; text: string }> {
  return messages.flatMap((message) =>
    message.kind === 'event' && message.event === 'log' ? [{ id: Number(message.id), text: (JSON.parse(message.data) as LogEventData).text }] : [],
  );
}

async function receiveAll(path: string, headers: Record<string, string> = {}): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of receive(path, headers)) messages.push(message);
  return messages;
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

describe('lastEventId', () => {
  it('reads the Last-Event-ID header, else the lastEventId query parameter, else 0', () => {
    assert.equal(lastEventId({ 'last-event-id': '42' }), 42);
    assert.equal(lastEventId({ 'last-event-id': ' 7 ' }), 7);
    assert.equal(lastEventId({}, { lastEventId: '12' }), 12);
    assert.equal(lastEventId({}, { lastEventId: ['13', '14'] }), 13);
    assert.equal(lastEventId({ 'last-event-id': '42' }, { lastEventId: '12' }), 42, 'the header is newer: EventSource reconnects to the same URL');
    assert.equal(lastEventId({ 'last-event-id': 'junk' }, { lastEventId: '12' }), 12);
    for (const invalid of ['', '-1', '1.5', 'abc', '1e3', '99999999999999999999']) {
      assert.equal(lastEventId({ 'last-event-id': invalid }), 0, invalid);
      assert.equal(lastEventId({}, { lastEventId: invalid }), 0, invalid);
    }
    assert.equal(lastEventId({}), 0);
    assert.equal(lastEventId({}, null), 0);
    assert.equal(lastEventId({}, 'lastEventId=3'), 0);
  });
});

describe('encodeEvent', () => {
  it('gives every line of data its own field and refuses an id or event name that would break the framing', () => {
    assert.equal(encodeEvent({ id: 3, event: 'log', data: 'one\ntwo' }), 'event: log\nid: 3\ndata: one\ndata: two\n\n');
    assert.equal(encodeEvent({ data: '' }), 'data: \n\n');
    assert.throws(() => encodeEvent({ id: '1\n2', data: '' }), TypeError);
    assert.throws(() => encodeEvent({ event: 'a\rb', data: '' }), TypeError);
  });
});

describe('openEventStream and streamLog over HTTP', () => {
  it('sends headers and retry at once, then every line in order, then an end event, and closes', async () => {
    const deploymentId = 'in-order';
    for (let n = 1; n <= 20_000; n++) store.append(deploymentId, 'build', `line ${n}`);
    const total = 40_000;
    const started = performance.now();
    const ids: number[] = [];
    const messages: SseMessage[] = [];
    for await (const message of receive(`/logs/${deploymentId}`)) {
      messages.push(message);
      if (message.kind !== 'event' || message.event !== 'log') continue;
      const id = Number(message.id);
      ids.push(id);
      assert.equal((JSON.parse(message.data) as LogEventData).text, `line ${id}`);
      if (id === 20_000) {
        // The rest arrives live, in bursts, while this client reads.
        void (async () => {
          for (let n = 20_001; n <= total; n++) {
            store.append(deploymentId, 'runtime', `line ${n}`);
            if (n % 500 === 0) await new Promise<void>((resolve) => setImmediate(resolve));
          }
          store.finish(deploymentId);
        })();
      }
    }
    const elapsed = performance.now() - started;
    assert.deepEqual(messages[0], { kind: 'retry', ms: 1000 });
    assert.deepEqual(
      ids,
      Array.from({ length: total }, (_, index) => index + 1),
    );
    assert.deepEqual(messages.at(-1), { kind: 'event', id: undefined, event: 'end', data: JSON.stringify({ lastId: total }) });
    console.log(`streamed ${total.toLocaleString('en')} lines in ${Math.round(elapsed)} ms`);
  });

  it('sends the response headers an EventSource and proxies need', async () => {
    const aborter = new AbortController();
    const response = await request(`${base}/logs/headers`, { signal: aborter.signal, dispatcher: agent });
    assert.equal(response.headers['content-type'], 'text/event-stream; charset=utf-8');
    assert.equal(response.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(response.headers['connection'], 'keep-alive');
    assert.equal(response.headers['x-accel-buffering'], 'no');
    aborter.abort();
    await response.body.dump().catch(() => undefined);
  });

  it('frames data holding \\n, \\r\\n and \\r so that nothing in it can start a field or an event', async () => {
    const tricky = (await receiveAll('/tricky-data')).filter((message) => message.kind === 'event');
    assert.deepEqual(
      tricky.map((message) => message.kind === 'event' && [message.event, message.data, message.id]),
      [
        ['tricky', 'a\nb', undefined],
        ['tricky', 'c\nd', undefined],
        ['tricky', 'e\nf', undefined],
        ['tricky', 'trailing\n', undefined],
        ['tricky', '', undefined],
        ['tricky', ' leading space', undefined],
        ['tricky', 'data: injected\n\nid: 99\n\nevent: end', undefined],
      ],
    );
  });

  it('holds the sender back while the client is slower, instead of buffering in memory', async () => {
    const ids: number[] = [];
    for await (const message of receive('/flood')) {
      if (message.kind !== 'event') continue;
      ids.push(Number(message.id));
      assert.equal(message.data.length, 64 * 1024);
      // Slower than the server: another turn of the event loop per event.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    assert.deepEqual(
      ids,
      Array.from({ length: floodEvents }, (_, index) => index + 1),
    );
    assert.ok(floodMostBuffered < 512 * 1024, `${floodMostBuffered} bytes buffered for ${floodEvents * 64} KiB sent`);
  });

  it('carries log text with line breaks intact', async () => {
    const deploymentId = 'multi-line';
    store.append(deploymentId, 'runtime', 'Error: boom\n    at main (app.js:1:1)\r\n\n');
    store.finish(deploymentId);
    assert.deepEqual(logEvents(await receiveAll(`/logs/${deploymentId}`)), [{ id: 1, text: 'Error: boom\n    at main (app.js:1:1)\r\n\n' }]);
  });

  it('sends heartbeats on a quiet stream', async () => {
    for await (const message of receive('/logs/quiet?heartbeatMs=20')) {
      if (message.kind === 'comment') {
        assert.equal(message.text, 'keep-alive');
        break;
      }
    }
  });

  it('stops following on the server when the client goes away', async () => {
    const deploymentId = 'goes-away';
    store.append(deploymentId, 'runtime', 'one');
    for await (const message of receive(`/logs/${deploymentId}`)) {
      if (message.kind === 'event') break;
    }
    await streams.at(-1);
    assert.equal(store.isFinished(deploymentId), false);
  });

  it('ends at once when the client left before the stream opened', async () => {
    const aborter = new AbortController();
    const response = request(`${base}/late`, { signal: aborter.signal, dispatcher: agent });
    await lateRequest.promise;
    aborter.abort();
    await assert.rejects(response);
    await lateStreamOpened.promise;
    await streams.at(-1);
    assert.equal(store.isFinished('late'), false);
  });

  it('delivers a new line to a connected client quickly', async () => {
    const deploymentId = 'latency';
    const messages = receive(`/logs/${deploymentId}`)[Symbol.asyncIterator]();
    assert.equal((await nextMessage(messages)).kind, 'retry');
    const latencies: number[] = [];
    for (let n = 1; n <= 500; n++) {
      const appended = performance.now();
      store.append(deploymentId, 'runtime', `line ${n}`);
      const message = await nextMessage(messages);
      latencies.push(performance.now() - appended);
      assert.ok(message.kind === 'event' && message.id === String(n));
    }
    await messages.return(undefined);
    console.log(`append to client: p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p95 ${percentile(latencies, 0.95).toFixed(2)} ms`);
  });

  it('resumes with Last-Event-ID across 100 dropped connections while lines are appended: nothing lost, nothing repeated', async () => {
    const deploymentId = 'resume';
    let appended = 0;
    const appender = setInterval(() => {
      for (let n = 0; n < 20; n++) store.append(deploymentId, 'runtime', `line ${++appended}`);
    }, 1);
    const received: number[] = [];
    const started = performance.now();
    for (let connection = 0; connection < 100; connection++) {
      const wanted = 1 + ((connection * 37) % 150);
      const last = String(received.at(-1) ?? 0);
      // Half the drops come from the client, half from the server (cutting a frame in two);
      // some reconnects carry the id as a query parameter, as a browser's first EventSource connection would.
      const droppedByServer = connection % 2 === 1;
      const viaQuery = connection % 4 === 2;
      const path = `/logs/${deploymentId}?${droppedByServer ? `dropAfter=${wanted}` : ''}${viaQuery ? `&lastEventId=${last}` : ''}`;
      let count = 0;
      for await (const message of receive(path, viaQuery ? {} : { 'Last-Event-ID': last })) {
        if (message.kind !== 'event' || message.event !== 'log') continue;
        received.push(Number(message.id));
        if (++count === wanted && !droppedByServer) break;
      }
    }
    clearInterval(appender);
    store.finish(deploymentId);
    const rest = await receiveAll(`/logs/${deploymentId}`, { 'Last-Event-ID': String(received.at(-1) ?? 0) });
    received.push(...logEvents(rest).map((line) => line.id));
    const elapsed = performance.now() - started;

    const last = rest.at(-1);
    assert.equal(last?.kind === 'event' && last.event, 'end');
    assert.equal(new Set(received).size, received.length, 'an id arrived twice');
    assert.deepEqual(
      received,
      Array.from({ length: appended }, (_, index) => index + 1),
    );
    console.log(`100 dropped connections, ${appended.toLocaleString('en')} lines: ${Math.round(elapsed)} ms`);
  });

  it("works with undici's EventSource, which reconnects by itself with Last-Event-ID", async () => {
    const deploymentId = 'event-source';
    for (let n = 1; n <= 300; n++) store.append(deploymentId, 'runtime', n === 150 ? 'two\nlines' : `line ${n}`);
    store.finish(deploymentId);
    // The server drops the connection after every 40 events; EventSource comes back 10 ms later.
    const source = new EventSource(`${base}/logs/${deploymentId}?dropAfter=40&retryMs=10`, { dispatcher: agent });
    const ids: number[] = [];
    let connections = 0;
    source.addEventListener('open', () => connections++);
    source.addEventListener('log', (event) => {
      const { lastEventId, data } = event as MessageEvent<string>;
      ids.push(Number(lastEventId));
      if (lastEventId === '150') assert.equal((JSON.parse(data) as LogEventData).text, 'two\nlines');
    });
    await new Promise<void>((resolve) => {
      source.addEventListener('end', () => {
        source.close();
        resolve();
      });
    });
    assert.deepEqual(
      ids,
      Array.from({ length: 300 }, (_, index) => index + 1),
    );
    assert.ok(connections >= 8, `${connections} connections`);
  });
});
