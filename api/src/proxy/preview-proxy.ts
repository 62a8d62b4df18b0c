/**
 * The preview proxy: serves each environment at `<env>--<project>.<baseDomain>` (production at
 * `<project>.<baseDomain>`) by forwarding HTTP requests and WebSocket upgrades to the upstream of
 * its live release. The route is asked of `resolve` for every request, so a deploy's switch to a
 * new upstream takes effect on the next request while requests in flight finish where they started.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ProxyServer } from 'http-proxy-3';
import { PreviewHostParser, type PreviewAddress } from './hosts';
import {
  BAD_GATEWAY_PAGE,
  BAD_REQUEST_PAGE,
  NOT_FOUND_PAGE,
  NO_ROBOTS,
  ROBOTS_TXT_DISALLOW_ALL,
  ROUTING_FAILED_PAGE,
  sendCanned,
  sendCannedOnSocket,
} from './pages';

export { parsePreviewHost, previewHost, type PreviewAddress } from './hosts';

export interface ProxyRoute {
  /** Upstream of the live release. */
  target: { host: string; port: number };
  /** Staging environments block robots; production allows them (from staging.yaml isolation.robots). */
  robots: 'block' | 'allow';
}

export interface PreviewProxyOptions {
  /** Listen address, e.g. '127.0.0.1'. */
  host: string;
  /** 0 = pick a free one. */
  port: number;
  /** e.g. 'localhost' (browsers resolve `*.localhost` to loopback). */
  baseDomain: string;
  /** environment null = production of that project. undefined = no such environment (404 page). */
  resolve(project: string, environment: string | null): ProxyRoute | undefined;
  /** Optional hook for request logging/metrics; must not throw. */
  onError?(error: Error, context: { project: string; environment: string | null }): void;
}

/** Longest wait for an upstream's TCP connect; also how long an idle kept-alive upstream socket is kept. */
const UPSTREAM_CONNECT_TIMEOUT_MS = 10_000;
/** Longest silence from an upstream while a request is in flight (headers or body). Long enough for long polling. */
const UPSTREAM_IDLE_TIMEOUT_MS = 120_000;
/** Per upstream; far above what one developer's browser opens, enough for a load test. */
const UPSTREAM_MAX_SOCKETS = 256;

const ROBOTS_TXT_PATH = '/robots.txt';
const SLASH = 47;
const QUESTION_MARK = 63;

function isRobotsTxt(req: http.IncomingMessage): boolean {
  const url = req.url ?? '';
  if (!url.startsWith(ROBOTS_TXT_PATH) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  return url.length === ROBOTS_TXT_PATH.length || url.charCodeAt(ROBOTS_TXT_PATH.length) === QUESTION_MARK;
}

/** Origin-form (`/path?query`) only: absolute-form or `*` would be forwarded as-is to an app that does not expect it. */
function isOriginForm(url: string | undefined): boolean {
  return url !== undefined && url.charCodeAt(0) === SLASH;
}

function ignoreError(): void {}

/** What routeOf returns when resolve threw. */
const RESOLVE_FAILED = Symbol('resolve failed');

export class PreviewProxy {
  private readonly hosts: PreviewHostParser;
  private readonly agent: http.Agent;
  private readonly proxy: ProxyServer;
  private readonly server: http.Server;
  /** Client and upstream sockets of open WebSockets: the http server stops tracking a socket once it is upgraded. */
  private readonly webSocketSockets = new Set<Duplex>();
  private closing: Promise<void> | undefined;
  private boundPort = 0;

  private constructor(private readonly options: PreviewProxyOptions) {
    this.hosts = new PreviewHostParser(options.baseDomain);
    // `timeout` is the socket timeout until http-proxy-3's proxyTimeout takes over after connect,
    // and the idle timeout of a free socket (node shortens it to the upstream's keep-alive hint).
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets: UPSTREAM_MAX_SOCKETS,
      maxFreeSockets: UPSTREAM_MAX_SOCKETS,
      scheduling: 'lifo',
      timeout: UPSTREAM_CONNECT_TIMEOUT_MS,
    });
    this.proxy = new ProxyServer({
      agent: this.agent,
      xfwd: true,
      proxyTimeout: UPSTREAM_IDLE_TIMEOUT_MS,
      // Forward req.url untouched instead of re-parsing it with `new URL` (which also rewrites
      // `..` and `\`): the app sees the path the browser sent, and it is cheaper.
      toProxy: true,
    });
    this.proxy.on('error', this.onProxyError);
    this.proxy.on('proxyRes', this.onUpstreamResponse);
    this.proxy.on('open', this.trackWebSocketSocket);
    this.server = http.createServer(this.onRequest);
    this.server.on('upgrade', this.onUpgrade);
  }

  static async start(options: PreviewProxyOptions): Promise<PreviewProxy> {
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new RangeError(`Not a port number: ${options.port}`);
    const proxy = new PreviewProxy(options);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(options.port, options.host, () => {
        proxy.server.off('error', reject);
        resolve();
      });
    });
    proxy.boundPort = (proxy.server.address() as AddressInfo).port;
    return proxy;
  }

  /** The bound port. */
  get port(): number {
    return this.boundPort;
  }

  /** Stops accepting, and ends every open connection: requests in flight, kept-alive sockets, WebSockets. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const socket of this.webSocketSockets) socket.destroy();
      this.webSocketSockets.clear();
      this.agent.destroy();
    });
    return this.closing;
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const address = this.hosts.parse(req.headers.host);
    if (address === undefined) return sendCanned(res, NOT_FOUND_PAGE);
    const route = this.routeOf(address);
    if (route === undefined) return sendCanned(res, NOT_FOUND_PAGE);
    if (route === RESOLVE_FAILED) return sendCanned(res, ROUTING_FAILED_PAGE);
    if (!isOriginForm(req.url)) return sendCanned(res, BAD_REQUEST_PAGE);
    if (route.robots === 'block') {
      if (isRobotsTxt(req)) return sendCanned(res, ROBOTS_TXT_DISALLOW_ALL);
      // Set before the upstream answers; onUpstreamResponse keeps the upstream from replacing it.
      res.setHeader('X-Robots-Tag', NO_ROBOTS);
    }
    this.proxy.web(req, res, { target: route.target });
  };

  private readonly onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node removes its own error handling from a socket it hands over as upgraded.
    socket.on('error', ignoreError);
    const address = this.hosts.parse(req.headers.host);
    if (address === undefined) return sendCannedOnSocket(socket, NOT_FOUND_PAGE);
    const route = this.routeOf(address);
    if (route === undefined) return sendCannedOnSocket(socket, NOT_FOUND_PAGE);
    if (route === RESOLVE_FAILED) return sendCannedOnSocket(socket, ROUTING_FAILED_PAGE);
    if (!isOriginForm(req.url)) return sendCannedOnSocket(socket, BAD_REQUEST_PAGE);
    this.trackWebSocketSocket(socket);
    this.proxy.ws(req, socket, head, { target: route.target });
  };

  /** The route, or RESOLVE_FAILED when resolve threw (reported to onError). */
  private routeOf(address: PreviewAddress): ProxyRoute | undefined | typeof RESOLVE_FAILED {
    try {
      return this.options.resolve(address.project, address.environment);
    } catch (error) {
      this.report(error, address);
      return RESOLVE_FAILED;
    }
  }

  private readonly onUpstreamResponse = (upstreamResponse: http.IncomingMessage, _req: http.IncomingMessage, res: http.ServerResponse): void => {
    // Only a blocking route has set the header by now (see onRequest): keep ours over the upstream's.
    if (upstreamResponse.headers['x-robots-tag'] !== undefined && res.hasHeader('X-Robots-Tag')) {
      upstreamResponse.headers['x-robots-tag'] = NO_ROBOTS;
    }
    // http-proxy-3 pipes the body but never looks at its end: an upstream that dies mid-body would
    // leave the client waiting for the rest forever. Cut the client off so it sees the failure.
    upstreamResponse.once('close', () => {
      if (!upstreamResponse.complete) res.destroy();
    });
  };

  private readonly onProxyError = (error: Error, req: http.IncomingMessage, res: http.ServerResponse | Duplex): void => {
    if (res instanceof http.ServerResponse) {
      sendCanned(res, BAD_GATEWAY_PAGE);
    } else if ((res as { bytesWritten?: number }).bytesWritten === 0) {
      // Nothing has gone to the client yet (no 101), so it can still get an HTTP answer.
      sendCannedOnSocket(res, BAD_GATEWAY_PAGE);
    } else {
      res.destroy();
    }
    const address = this.hosts.parse(req.headers.host);
    if (address !== undefined) this.report(error, address);
  };

  private readonly trackWebSocketSocket = (socket: Duplex): void => {
    this.webSocketSockets.add(socket);
    socket.once('close', () => this.webSocketSockets.delete(socket));
  };

  private report(error: unknown, address: PreviewAddress): void {
    if (this.options.onError === undefined) return;
    try {
      this.options.onError(error instanceof Error ? error : new Error(String(error)), address);
    } catch {
      // A logging hook must not take the proxy down with it.
    }
  }
}
