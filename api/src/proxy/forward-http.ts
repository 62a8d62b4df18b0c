/**
 * Forwards HTTP requests to upstreams and streams the answers back, both ways, with undici's
 * dispatcher: a pool of kept-alive connections per upstream, connect/headers/body timeouts, and
 * no per-request parsing beyond what forwarding needs. (http-proxy-3 does the same on top of
 * http.request at well under half the throughput on our benchmark; it still carries WebSockets.)
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { Agent, type Dispatcher } from 'undici';
import { BodyEndInjector } from './html-injection';
import { BAD_GATEWAY_PAGE, NO_ROBOTS, sendCanned } from './pages';

export interface UpstreamTarget {
  host: string;
  port: number;
}

/** Per upstream; far above what one developer's browser opens, enough for a load test. */
const CONNECTIONS_PER_UPSTREAM = 256;
const CONNECT_TIMEOUT_MS = 10_000;
/** Longest wait for response headers, and longest silence within a body: long polling and event streams fit. */
const UPSTREAM_SILENCE_TIMEOUT_MS = 120_000;

/**
 * Headers about one connection, not the message (RFC 9110 7.6.1), so never forwarded either way;
 * plus `expect`, which node has already answered with 100 Continue.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'expect']);
const CONNECTION_OPTIONS_WITHOUT_HEADERS = /^\s*(?:keep-alive|close)\s*$/i;

/** Headers named in a Connection header are hop-by-hop too; usually there are none beyond keep-alive/close. */
function connectionOptions(connection: string | undefined): Set<string> | undefined {
  if (connection === undefined || CONNECTION_OPTIONS_WITHOUT_HEADERS.test(connection)) return undefined;
  return new Set(connection.split(',').map((name) => name.trim().toLowerCase()));
}

/** The client's headers for the upstream: Host kept, hop-by-hop dropped, X-Forwarded-* set from what the proxy knows. */
function upstreamRequestHeaders(req: IncomingMessage): string[] {
  const incoming = req.headers;
  const alsoHopByHop = connectionOptions(incoming.connection);
  const headers: string[] = [];
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || alsoHopByHop?.has(name) || CLIENT_CLAIMS.has(name)) continue;
    if (typeof value === 'string') headers.push(name, value);
    else for (const each of value) headers.push(name, each);
  }
  headers.push('x-forwarded-for', req.socket.remoteAddress ?? '');
  headers.push('x-forwarded-proto', isEncrypted(req) ? 'https' : 'http');
  headers.push('x-forwarded-host', incoming.host ?? '');
  return headers;
}

/**
 * What a client could claim about the connection the app would otherwise believe: stagingd is the edge (no proxy
 * in front of it is trusted), so these come only from the proxy itself, never from the client.
 */
export const CLIENT_CLAIMS = new Set(['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'forwarded']);

/** Whether the client reached the proxy over TLS (--tls). */
export function isEncrypted(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function originOf(target: UpstreamTarget): string {
  return target.host.includes(':') ? `http://[${target.host}]:${target.port}` : `http://${target.host}:${target.port}`;
}

/** Charsets in which an ASCII byte is always that ASCII character, so the tag's bytes (and the search for `</body`) hold. */
const ASCII_COMPATIBLE_CHARSET = /^(?:utf-?8|us-ascii|iso-8859-\d{1,2}|windows-125\d)$/;

/** The charset parameter of a Content-Type, lowercase; HTML's default, UTF-8, when there is none. */
function charsetOf(contentType: string): string {
  for (const parameter of contentType.split(';').slice(1)) {
    const equals = parameter.indexOf('=');
    if (equals === -1 || parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    const value = parameter.slice(equals + 1).trim();
    return (value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value).trim().toLowerCase();
  }
  return 'utf-8';
}

/**
 * Whether a tag may go into this answer: a whole HTML document (200: not a 206 part of one, nor an error
 * page), in an ASCII-compatible charset (not UTF-16 or UTF-32), not compressed (the request asked for
 * `identity`; an upstream that compressed anyway is passed on untouched).
 */
function injectable(statusCode: number, headers: IncomingHttpHeaders): boolean {
  if (statusCode !== 200) return false;
  const type = headers['content-type'];
  const encoding = headers['content-encoding'];
  if (typeof type !== 'string' || !type.trimStart().toLowerCase().startsWith('text/html')) return false;
  if (!ASCII_COMPATIBLE_CHARSET.test(charsetOf(type))) return false;
  return encoding === undefined || (typeof encoding === 'string' && encoding.trim().toLowerCase() === 'identity');
}

/** One request on its way through: relays the upstream's answer into the client's response. */
class ForwardedExchange implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private clientGone = false;
  private injector: BodyEndInjector | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly blockRobots: boolean,
    private readonly onFailure: (error: Error, req: IncomingMessage) => void,
    private readonly inject: Buffer | undefined,
  ) {
    res.once('close', this.onClientClose);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new Error('client went away'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    if (statusCode < 200 || this.clientGone) return; // 1xx: node answers 100 Continue itself; hints are optional
    for (const name in headers) if (HOP_BY_HOP.has(name)) delete headers[name];
    // Our robots decision overrides whatever the app says.
    if (this.blockRobots) headers['x-robots-tag'] = NO_ROBOTS;
    if (this.inject !== undefined && injectable(statusCode, headers)) {
      this.injector = new BodyEndInjector(this.inject);
      // The body changes: its length and entity tag no longer hold (node sends it chunked), and no cache may keep it for others.
      delete headers['content-length'];
      delete headers['etag'];
      delete headers['content-md5'];
      headers['cache-control'] = 'private, no-store';
    }
    if (statusMessage) this.res.writeHead(statusCode, statusMessage, headers);
    else this.res.writeHead(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.clientGone) return;
    if (this.injector !== undefined) {
      chunk = this.injector.push(chunk);
      if (chunk.length === 0) return;
    }
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', () => controller.resume());
    }
  }

  onResponseEnd(): void {
    if (this.clientGone) return;
    if (this.injector !== undefined) this.res.end(this.injector.end());
    else this.res.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.clientGone) return; // we aborted it because the client left: nothing failed upstream
    // Before any byte of the answer the client can still get the 502 page; after, only a cut connection.
    sendCanned(this.res, BAD_GATEWAY_PAGE);
    this.onFailure(error, this.req);
  }

  private readonly onClientClose = (): void => {
    if (this.res.writableFinished) return;
    this.clientGone = true;
    this.controller?.abort(new Error('client went away'));
  };
}

export class HttpForwarder {
  private readonly agent = new Agent({
    connections: CONNECTIONS_PER_UPSTREAM,
    connectTimeout: CONNECT_TIMEOUT_MS,
    headersTimeout: UPSTREAM_SILENCE_TIMEOUT_MS,
    bodyTimeout: UPSTREAM_SILENCE_TIMEOUT_MS,
  });

  /** onFailure hears of every upstream failure the client was answered 502 for (or cut off after). */
  constructor(private readonly onFailure: (error: Error, req: IncomingMessage) => void) {}

  /** `inject`: a tag to add to the answer if it is an uncompressed HTML document (see BodyEndInjector). */
  forward(req: IncomingMessage, res: ServerResponse, target: UpstreamTarget, blockRobots: boolean, inject?: Buffer): void {
    this.agent.dispatch(
      {
        origin: originOf(target),
        method: req.method as Dispatcher.HttpMethod,
        path: req.url ?? '/',
        headers: upstreamRequestHeaders(req),
        body: hasBody(req) ? req : null,
      },
      new ForwardedExchange(req, res, blockRobots, this.onFailure, inject),
    );
  }

  /** Drops every upstream connection, in use or idle. */
  close(): Promise<void> {
    return this.agent.destroy();
  }
}
