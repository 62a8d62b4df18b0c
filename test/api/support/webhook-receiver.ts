/**
 * A webhook receiver for the tests: a plain node http server on 127.0.0.1 that records every request
 * with its raw body and answers 200, unless a test has queued other answers for the requests it matches.
 */
import { EventEmitter } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  event: string;
  delivery: string;
  receivedAt: number;
}

/** A status with headers, or 'hang': never answer (until the receiver closes). */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly plans: { match: (request: ReceivedWebhook) => boolean; answers: Answer[] }[] = [];
  private readonly arrivals = new EventEmitter();
  private readonly server: http.Server;

  private constructor() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const received: ReceivedWebhook = {
          path: req.url ?? '',
          headers: req.headers,
          body,
          json: JSON.parse(body) as Record<string, unknown>,
          event: String(req.headers['x-staging-event']),
          delivery: String(req.headers['x-staging-delivery']),
          receivedAt: Date.now(),
        };
        this.received.push(received);
        const answer = this.plans.find((plan) => plan.answers.length > 0 && plan.match(received))?.answers.shift() ?? { status: 200 };
        this.arrivals.emit('request', received);
        if (answer === 'hang') return;
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        res.end(`answered ${answer.status}`);
      });
    });
  }

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The next requests that match get these answers, in order; later ones get 200. */
  answer(match: (request: ReceivedWebhook) => boolean, ...answers: Answer[]): void {
    this.plans.push({ match, answers });
  }

  /** Waits until `count` requests that match have arrived (counting those already received) and returns them. */
  async waitFor(match: (request: ReceivedWebhook) => boolean, count = 1, timeoutMs = 30_000): Promise<ReceivedWebhook[]> {
    const matching = (): ReceivedWebhook[] => this.received.filter(match);
    if (matching().length >= count) return matching().slice(0, count);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.arrivals.off('request', check);
        reject(
          new Error(
            `${matching().length} of ${count} webhook requests arrived within ${timeoutMs} ms; received: ${this.received.map((r) => `${r.path} ${r.event}`).join(', ')}`,
          ),
        );
      }, timeoutMs);
      const check = (): void => {
        if (matching().length < count) return;
        clearTimeout(timer);
        this.arrivals.off('request', check);
        resolve(matching().slice(0, count));
      };
      this.arrivals.on('request', check);
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }
}
