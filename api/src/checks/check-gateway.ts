/**
 * How a browser of the checks gets into a private (`access: links`) environment: the browser resolves the
 * environment's host to this loopback server (hostResolverRules), which forwards to the preview proxy with the
 * environment's bypass secret added. Only requests to that one host come here, so the secret never goes with a
 * page's third-party requests, and no browser page or Lighthouse setting ever holds it. A host is served only
 * while a run needs it; anything else gets 421.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import type * as tls from 'node:tls';
import { ProxyServer } from 'http-proxy-3';

export interface CheckGatewayOptions {
  /** The preview proxy: where every request goes on (its port once it listens). */
  proxy: { host: string; port: () => number; secure: boolean };
  /** The preview proxy's certificates (--tls): the gateway speaks TLS like it. */
  secureContext?: (servername: string) => Promise<tls.SecureContext>;
  /** The header that lets a request through the preview gate. */
  bypassHeader: string;
}

export class CheckGateway {
  /** host (with port, as the browser sends it) -> the bypass secret, while a run needs it. */
  private readonly hosts = new Map<string, { secret: string; users: number }>();
  private readonly forwarder: ProxyServer;

  private constructor(
    private readonly server: http.Server,
    options: CheckGatewayOptions,
  ) {
    const proxyHost = ['0.0.0.0', '::', ''].includes(options.proxy.host) ? '127.0.0.1' : options.proxy.host;
    const target = () => ({ protocol: options.proxy.secure ? 'https:' : 'http:', host: proxyHost, port: options.proxy.port() });
    this.forwarder = new ProxyServer({
      // Our own proxy on loopback, with the certificate of the name asked for.
      secure: false,
      toProxy: true,
      ws: true,
    });
    this.forwarder.on('error', (_error, _req, res) => {
      if (res && 'writeHead' in res && !res.headersSent) res.writeHead(502).end();
      else res?.destroy();
    });
    server.on('request', (req, res) => {
      const secret = this.secretFor(req);
      if (secret === undefined) return void res.writeHead(421, { 'content-type': 'text/plain' }).end('Not a host a check is running on\n');
      this.forwarder.web(req, res, { target: target(), headers: { [options.bypassHeader]: secret } });
    });
    server.on('upgrade', (req, socket, head) => {
      const secret = this.secretFor(req);
      if (secret === undefined) return void socket.destroy();
      this.forwarder.ws(req, socket, head, { target: target(), headers: { [options.bypassHeader]: secret } });
    });
  }

  static async start(options: CheckGatewayOptions): Promise<CheckGateway> {
    const sni = options.secureContext;
    const server = sni
      ? https.createServer({
          SNICallback: (servername, done) =>
            void sni(servername).then(
              (context) => done(null, context),
              (error: Error) => done(error),
            ),
        })
      : http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return new CheckGateway(server, options);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Lets the host in (with its secret) until the returned function is called. */
  open(host: string, secret: string): () => void {
    const entry = this.hosts.get(host);
    if (entry) {
      entry.secret = secret;
      entry.users++;
    } else this.hosts.set(host, { secret, users: 1 });
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const current = this.hosts.get(host);
      if (current && --current.users === 0) this.hosts.delete(host);
    };
  }

  close(): Promise<void> {
    this.forwarder.close();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private secretFor(req: http.IncomingMessage): string | undefined {
    return req.headers.host === undefined ? undefined : this.hosts.get(req.headers.host.toLowerCase())?.secret;
  }
}
