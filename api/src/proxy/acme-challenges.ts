/**
 * ACME HTTP-01 in the preview proxy: to see that whoever orders a certificate for a host serves that host, a CA
 * fetches `http://<host>/.well-known/acme-challenge/<token>` (port 80) and expects the key authorization. The
 * answers come from whoever is ordering (api/src/certificates/), only for the tokens it is waiting on: any other
 * token or path is left to the app, as before.
 */
import * as http from 'node:http';
import type * as net from 'node:net';
import type { PreviewHostParser } from './hosts';
import { NOT_FOUND_PAGE, sendCanned } from './pages';

export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';
// RFC 8555 8.3: a token is base64url.
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** The key authorizations of the HTTP-01 challenges being answered, by host and token. */
export interface AcmeChallengeAnswers {
  answer(host: string, token: string): string | undefined;
}

/** The host a Host header names, without its port, lowercase. */
function hostName(header: string): string {
  return header.toLowerCase().replace(/:\d+$/, '');
}

/** Answers a CA's request for a token we wait on for this host; false when the request is not ours to answer. */
export function answerAcmeChallenge(req: http.IncomingMessage, res: http.ServerResponse, answers: AcmeChallengeAnswers): boolean {
  const url = req.url ?? '';
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !url.startsWith(ACME_CHALLENGE_PATH) || req.headers.host === undefined) return false;
  const token = url.slice(ACME_CHALLENGE_PATH.length);
  const body = TOKEN.test(token) ? answers.answer(hostName(req.headers.host), token) : undefined;
  if (body === undefined) return false;
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

/**
 * The plain-HTTP port a CA validates HTTP-01 on, beside the HTTPS proxy: the challenges of preview hosts, and for
 * anything else on a preview host a redirect to the same URL over HTTPS (which is what port 80 is for a browser).
 */
export class AcmeHttpListener {
  private constructor(private readonly server: http.Server) {}

  static async start(options: {
    host: string;
    port: number;
    hosts: PreviewHostParser;
    answers: AcmeChallengeAnswers;
    /** The HTTPS proxy's port, for the redirect. */
    httpsPort: () => number;
  }): Promise<AcmeHttpListener> {
    const server = http.createServer((req, res) => {
      const header = req.headers.host;
      if (header === undefined || options.hosts.parse(header) === undefined) return sendCanned(res, NOT_FOUND_PAGE);
      if (answerAcmeChallenge(req, res, options.answers)) return;
      const port = options.httpsPort();
      const path = req.url?.startsWith('/') ? req.url : '/';
      res.writeHead(308, { location: `https://${hostName(header)}${port === 443 ? '' : `:${port}`}${path}`, 'content-length': 0 });
      res.end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new AcmeHttpListener(server);
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}
