/**
 * The preview proxy: serves each environment at `<env>--<project>.<baseDomain>` (production at
 * `<project>.<baseDomain>`) by forwarding HTTP requests (forward-http.ts) and WebSocket upgrades
 * (http-proxy-3) to the upstream of its live release. The route is asked of `resolve` for every
 * request, so a deploy's switch to a new upstream takes effect on the next request while requests
 * in flight finish where they started. A staging environment's route may carry a preview gate
 * (preview-gate.ts): shared preview links, their sessions, and `previews.access: links`.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type * as tls from 'node:tls';
import type * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { ProxyServer } from 'http-proxy-3';
import { type AcmeChallengeAnswers, AcmeHttpListener, answerAcmeChallenge, isAcmeChallenge } from './acme-challenges';
import { type AssetRoute, isAssetRequest, serveAsset } from './asset-files';
import { FEEDBACK_SCRIPT_TAG } from './feedback-endpoints';
import { CLIENT_CLAIMS, HttpForwarder } from './forward-http';
import { PreviewHostParser, type PreviewAddress } from './hosts';
import { type GatedRoute, type PreviewGate, previewSession } from './preview-gate';
import { BAD_GATEWAY_PAGE, BAD_REQUEST_PAGE, NOT_FOUND_PAGE, ROBOTS_TXT_DISALLOW_ALL, ROUTING_FAILED_PAGE, sendCanned, sendCannedOnSocket } from './pages';

export { parsePreviewHost, previewHost, type PreviewAddress } from './hosts';
export { previewSession, type PreviewSession } from './preview-gate';

export interface ProxyRoute {
  /** Upstream of the live release. */
  target: { host: string; port: number };
  /** Staging environments block robots; production allows them (from staging.yaml isolation.robots). */
  robots: 'block' | 'allow';
  /** A staging environment's preview links (production has none: it is never gated). */
  preview?: GatedRoute;
  /** A staging environment's synced assets, served under ASSETS_PREFIX (staging.yaml assets). */
  assets?: AssetRoute;
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
  /** Serve HTTPS: the TLS context for each server name (SNI), e.g. from the local certificate authority. */
  tls?: { secureContext: (servername: string) => Promise<tls.SecureContext> };
  /** Preview links: admits their visitors, and keeps `access: links` environments to them. */
  gate?: PreviewGate;
  /** ACME HTTP-01: the challenges being answered, and the plain-HTTP address a CA validates on (port 80 for a real CA). */
  acme?: { answers: AcmeChallengeAnswers; httpListen?: { host: string; port: number } };
}

/** Longest wait for an upstream to connect and answer a WebSocket upgrade. */
const WEBSOCKET_HANDSHAKE_TIMEOUT_MS = 30_000;

const ROBOTS_TXT_PATH = '/robots.txt';
const SLASH = 47;
const QUESTION_MARK = 63;

function isRobotsTxt(req: http.IncomingMessage): boolean {
  const url = req.url ?? '';
  if (!url.startsWith(ROBOTS_TXT_PATH) || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  return url.length === ROBOTS_TXT_PATH.length || url.charCodeAt(ROBOTS_TXT_PATH.length) === QUESTION_MARK;
}

/** How many Host headers a request has: Node keeps the first of several, where another server might take the last. */
function hostCount(req: http.IncomingMessage): number {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'host') count++;
  return count;
}

/** Origin-form (`/path?query`) only: absolute-form or `*` would be forwarded as-is to an app that does not expect it. */
function isOriginForm(url: string | undefined): boolean {
  return url !== undefined && url.charCodeAt(0) === SLASH;
}

function ignoreError(): void {}

/**
 * A page load the feedback widget may go into: a GET for a document (Sec-Fetch-Dest, or an Accept that
 * names HTML when the client sends no Fetch Metadata). Frames, scripts' fetches and everything else pass untouched.
 */
function isDocumentRequest(req: http.IncomingMessage): boolean {
  if (req.method !== 'GET') return false;
  const dest = req.headers['sec-fetch-dest'];
  if (dest !== undefined) return dest === 'document';
  return (req.headers.accept ?? '').includes('text/html');
}

/** http-proxy-3 sets no timeout on a WebSocket handshake; it clears socket timeouts itself once upgraded. */
function limitHandshake(upstreamRequest: http.ClientRequest): void {
  upstreamRequest.setTimeout(WEBSOCKET_HANDSHAKE_TIMEOUT_MS, () => upstreamRequest.destroy(new Error('WebSocket handshake timed out')));
}

/** What routeOf returns when resolve threw. */
const RESOLVE_FAILED = Symbol('resolve failed');

export class PreviewProxy {
  private readonly hosts: PreviewHostParser;
  private readonly httpForwarder: HttpForwarder;
  private readonly webSocketProxy: ProxyServer;
  private readonly server: http.Server | https.Server;
  /** Client and upstream sockets of open WebSockets: the http server stops tracking a socket once it is upgraded. */
  private readonly webSocketSockets = new Set<Duplex>();
  private closing: Promise<void> | undefined;
  private boundPort = 0;
  private acmeListener: AcmeHttpListener | undefined;

  private constructor(private readonly options: PreviewProxyOptions) {
    this.hosts = new PreviewHostParser(options.baseDomain);
    this.httpForwarder = new HttpForwarder((error, req) => this.reportFor(req, error));
    this.webSocketProxy = new ProxyServer({
      xfwd: true,
      // A connection of its own per WebSocket (agent false): pooling gains nothing for long-lived sockets.
      agent: false,
      // Forward req.url untouched instead of re-parsing it with `new URL` (which also rewrites `..` and `\`).
      toProxy: true,
    });
    this.webSocketProxy.on('error', this.onWebSocketError);
    this.webSocketProxy.on('proxyReqWs', limitHandshake);
    this.webSocketProxy.on('open', this.trackWebSocketSocket);
    // With TLS the certificate for each preview host is chosen (or made) by SNI.
    const sni = options.tls?.secureContext;
    this.server = sni
      ? https.createServer(
          {
            SNICallback: (servername, done) =>
              void sni(servername).then(
                (context) => done(null, context),
                (error: Error) => done(error),
              ),
          },
          this.onRequest,
        )
      : http.createServer(this.onRequest);
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
    proxy.boundPort = (proxy.server.address() as net.AddressInfo).port;
    const acme = options.acme;
    if (acme?.httpListen) {
      try {
        proxy.acmeListener = await AcmeHttpListener.start({ ...acme.httpListen, hosts: proxy.hosts, answers: acme.answers, httpsPort: () => proxy.port });
      } catch (error) {
        await proxy.close();
        const { host, port } = acme.httpListen;
        throw new Error(
          `the ACME HTTP-01 listener (--acme-http-listen ${host}:${port}) cannot listen: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return proxy;
  }

  /** The bound port. */
  get port(): number {
    return this.boundPort;
  }

  /** The bound port of the ACME HTTP-01 listener, if there is one. */
  get acmeHttpPort(): number | undefined {
    return this.acmeListener?.port;
  }

  /** Stops accepting, and ends every open connection: requests in flight, kept-alive sockets, WebSockets. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    for (const socket of this.webSocketSockets) socket.destroy();
    this.webSocketSockets.clear();
    await Promise.all([stopped, this.httpForwarder.close(), this.acmeListener?.close()]);
  }

  private readonly onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (hostCount(req) !== 1) return sendCanned(res, BAD_REQUEST_PAGE);
    const address = this.hosts.parse(req.headers.host);
    if (address === undefined) return sendCanned(res, NOT_FOUND_PAGE);
    // A CA's check comes before the route and the gate: an environment not yet deployed, or private, still gets its
    // certificate. Only a well-formed check waits on the store (another replica's order); the rest go on at once.
    const acme = this.options.acme;
    if (acme && isAcmeChallenge(req))
      return void answerAcmeChallenge(req, res, acme.answers).then((answered) => {
        if (!answered) this.serve(req, res, address);
      });
    this.serve(req, res, address);
  };

  /** A request on a preview host, past ACME: its route, gate, assets or app. */
  private serve(req: http.IncomingMessage, res: http.ServerResponse, address: PreviewAddress): void {
    const route = this.routeOf(address);
    if (route === undefined) return sendCanned(res, NOT_FOUND_PAGE);
    if (route === RESOLVE_FAILED) return sendCanned(res, ROUTING_FAILED_PAGE);
    if (!isOriginForm(req.url)) return sendCanned(res, BAD_REQUEST_PAGE);
    const blockRobots = route.robots === 'block';
    if (blockRobots && isRobotsTxt(req)) return sendCanned(res, ROBOTS_TXT_DISALLOW_ALL);
    const gated = route.preview;
    const gate = this.options.gate;
    if (gated !== undefined && gate !== undefined && !gate.check(req, res, gated, address)) return;
    if (isAssetRequest(req.url!) && (route.assets !== undefined || gated !== undefined)) {
      // A staging environment's reserved path: its synced files, or nothing (its app never sees the path).
      const assets = route.assets;
      if (assets === undefined) return sendCanned(res, NOT_FOUND_PAGE);
      return void serveAsset(req, res, assets).catch((error: unknown) => {
        this.options.onError?.(error instanceof Error ? error : new Error(String(error)), address);
        if (!res.headersSent) sendCanned(res, BAD_GATEWAY_PAGE);
        else res.destroy();
      });
    }
    if (gated !== undefined && gate !== undefined) {
      if (gated.feedback === true && gate.servesFeedback && previewSession(req) !== undefined)
        return this.forwardToVisitor(req, res, route.target, blockRobots);
    }
    this.httpForwarder.forward(req, res, route.target, blockRobots);
  }

  /**
   * A preview link visitor's request, on an environment with feedback: a page load gets the widget's script
   * tag. It asks the app for an uncompressed answer (`accept-encoding: identity`) so the tag can go in as the
   * page streams; an app that compresses anyway is passed on without the widget.
   */
  private forwardToVisitor(req: http.IncomingMessage, res: http.ServerResponse, target: ProxyRoute['target'], blockRobots: boolean): void {
    if (!isDocumentRequest(req)) return this.httpForwarder.forward(req, res, target, blockRobots);
    req.headers['accept-encoding'] = 'identity';
    this.httpForwarder.forward(req, res, target, blockRobots, FEEDBACK_SCRIPT_TAG);
  }

  private readonly onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Node removes its own error handling from a socket it hands over as upgraded.
    socket.on('error', ignoreError);
    if (hostCount(req) !== 1) return sendCannedOnSocket(socket, BAD_REQUEST_PAGE);
    const address = this.hosts.parse(req.headers.host);
    if (address === undefined) return sendCannedOnSocket(socket, NOT_FOUND_PAGE);
    const route = this.routeOf(address);
    if (route === undefined) return sendCannedOnSocket(socket, NOT_FOUND_PAGE);
    if (route === RESOLVE_FAILED) return sendCannedOnSocket(socket, ROUTING_FAILED_PAGE);
    if (!isOriginForm(req.url)) return sendCannedOnSocket(socket, BAD_REQUEST_PAGE);
    if (route.preview !== undefined && this.options.gate !== undefined) {
      const verdict = this.options.gate.checkUpgrade(req, route.preview, address);
      if (verdict !== true) return sendCannedOnSocket(socket, verdict);
    }
    // http-proxy-3's xfwd appends to what the client claimed: drop that first. It adds X-Forwarded-For/Port/Proto
    // but not X-Forwarded-Host.
    for (const name of CLIENT_CLAIMS) delete req.headers[name];
    req.headers['x-forwarded-host'] = req.headers.host;
    this.trackWebSocketSocket(socket);
    this.webSocketProxy.ws(req, socket, head, { target: route.target });
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

  /** Only ws() is used, so the third argument is always the client's socket. */
  private readonly onWebSocketError = (error: Error, req: http.IncomingMessage, clientSocket: unknown): void => {
    const socket = clientSocket as net.Socket;
    // Nothing has gone to the client before the 101, so until then it can still get an HTTP answer.
    if (socket.bytesWritten === 0) sendCannedOnSocket(socket, BAD_GATEWAY_PAGE);
    else socket.destroy();
    this.reportFor(req, error);
  };

  private readonly trackWebSocketSocket = (socket: Duplex): void => {
    this.webSocketSockets.add(socket);
    socket.once('close', () => this.webSocketSockets.delete(socket));
  };

  private reportFor(req: http.IncomingMessage, error: Error): void {
    const address = this.hosts.parse(req.headers.host);
    if (address !== undefined) this.report(error, address);
  }

  private report(error: unknown, address: PreviewAddress): void {
    if (this.options.onError === undefined) return;
    try {
      this.options.onError(error instanceof Error ? error : new Error(String(error)), address);
    } catch {
      // A logging hook must not take the proxy down with it.
    }
  }
}
