/**
 * ACME HTTP-01 in the preview proxy: to see that whoever orders a certificate for a host serves that host, a CA
 * fetches `http://<host>/.well-known/acme-challenge/<token>` (port 80) and expects the key authorization. The
 * answers come from whoever is ordering (api/src/certificates/: this replica, or another through the store), only
 * for the tokens one is waiting on: any other token or path is left to the app, as before.
 */
import * as http from 'node:http';
import type * as net from 'node:net';
import type { PreviewHostParser } from './hosts';
import { NOT_FOUND_PAGE, sendCanned } from './pages';

export const ACME_CHALLENGE_PATH = '/.well-known/acme-challenge/';
// RFC 8555 8.3: a token is base64url (CAs send 43 characters; a longer one is nobody's).
const TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

/** The key authorizations of the HTTP-01 challenges being answered, by host and token (the store's may be asked). */
export interface AcmeChallengeAnswers {
  /** Never rejects: a challenge that cannot be read is not answered. */
  answer(host: string, token: string): Promise<string | undefined>;
}

/** The host a Host header names, without its port, lowercase. */
function hostName(header: string): string {
  return header.toLowerCase().replace(/:\d+$/, '');
}

/**
 * Whether a request is shaped like a CA's HTTP-01 check (GET or HEAD, a Host, a well-formed token): only those
 * are looked up, so nothing else waits on the store, and a malformed token never reaches it.
 */
export function isAcmeChallenge(req: http.IncomingMessage): boolean {
  const url = req.url ?? '';
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    url.startsWith(ACME_CHALLENGE_PATH) &&
    req.headers.host !== undefined &&
    TOKEN.test(url.slice(ACME_CHALLENGE_PATH.length))
  );
}

/** Answers a CA's check (isAcmeChallenge) of a token some replica waits on for this host; false when none does. */
export async function answerAcmeChallenge(req: http.IncomingMessage, res: http.ServerResponse, answers: AcmeChallengeAnswers): Promise<boolean> {
  const token = (req.url ?? '').slice(ACME_CHALLENGE_PATH.length);
  const body = await answers.answer(hostName(req.headers.host ?? ''), token).catch(() => undefined);
  if (body === undefined || res.headersSent) return false;
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
      const redirect = (): void => {
        const port = options.httpsPort();
        const path = req.url?.startsWith('/') ? req.url : '/';
        res.writeHead(308, { location: `https://${hostName(header)}${port === 443 ? '' : `:${port}`}${path}`, 'content-length': 0 });
        res.end();
      };
      if (!isAcmeChallenge(req)) return redirect();
      void answerAcmeChallenge(req, res, options.answers).then((answered) => {
        if (!answered) redirect();
      });
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
