/**
 * The responses the preview proxy answers itself: error pages and robots.txt. Built once at load,
 * so answering costs no templating; pages name no host, port or error detail.
 */
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export const NO_ROBOTS = 'noindex, nofollow';

export interface CannedResponse {
  readonly status: number;
  /** Flat [name, value, ...] list, as res.writeHead takes it. */
  readonly headers: readonly string[];
  readonly body: Buffer;
  /** The whole HTTP/1.1 message, for answering on a raw socket (WebSocket upgrades). */
  readonly message: Buffer;
}

function canned(status: number, contentType: string, body: string, extraHeaders: readonly string[]): CannedResponse {
  const bodyBytes = Buffer.from(body, 'utf8');
  const headers = ['Content-Type', contentType, 'Content-Length', String(bodyBytes.length), ...extraHeaders];
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  head += 'Connection: close\r\n\r\n';
  return { status, headers, body: bodyBytes, message: Buffer.concat([Buffer.from(head, 'latin1'), bodyBytes]) };
}

// Error pages are never indexed or cached, whatever the route says: they describe a moment.
export const PAGE_HEADERS = ['Cache-Control', 'no-store', 'X-Robots-Tag', NO_ROBOTS, 'X-Content-Type-Options', 'nosniff'];

const STYLE =
  ':root{color-scheme:light dark;font-family:system-ui,sans-serif}' +
  'body{margin:0;min-height:100vh;display:grid;place-items:center;background:#f6f7f9;color:#1f2328}' +
  'main{max-width:32rem;margin:1.5rem;padding:2rem;border-radius:.75rem;background:#fff;box-shadow:0 1px 3px #0002}' +
  'h1{margin:0 0 .75rem;font-size:1.4rem}p{margin:0;line-height:1.5}.code{color:#57606a;font-size:.9rem;margin-bottom:.5rem}' +
  '@media (prefers-color-scheme:dark){body{background:#0d1117;color:#e6edf3}main{background:#161b22}.code{color:#8d96a0}}';

/** A page in the proxy's own style: `kicker` above the title (e.g. `404 · Staging`), `content` HTML below it. */
export function htmlPage(kicker: string, title: string, content: string, extraStyle = ''): string {
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    `<title>${title}</title><style>${STYLE}${extraStyle}</style></head>` +
    `<body><main><p class="code">${kicker}</p><h1>${title}</h1>${content}</main></body></html>\n`
  );
}

export function errorPage(status: number, title: string, explanation: string, extraHeaders: readonly string[] = []): CannedResponse {
  return canned(status, 'text/html; charset=utf-8', htmlPage(`${status} · Staging`, title, `<p>${explanation}</p>`), [...PAGE_HEADERS, ...extraHeaders]);
}

export const NOT_FOUND_PAGE = errorPage(
  404,
  'No staging environment at this address',
  'Check the address: a preview is served at <em>environment--project</em>.<em>domain</em>, and production at <em>project</em>.<em>domain</em>. ' +
    'If the address is right, the environment may not have been deployed yet.',
);

export const BAD_GATEWAY_PAGE = errorPage(
  502,
  'The release is not answering',
  'This environment exists, but its running release did not respond. It may be starting, restarting or stopped; try again in a moment or check its logs.',
);

export const ROUTING_FAILED_PAGE = errorPage(
  500,
  'Staging could not route this request',
  'Something went wrong while looking up this environment. Try again in a moment; if it keeps happening, check the staging server log.',
);

export const BAD_REQUEST_PAGE = errorPage(400, 'Bad request', 'The preview proxy only serves requests for a path on this host.');

export const ROBOTS_TXT_DISALLOW_ALL = canned(200, 'text/plain; charset=utf-8', 'User-agent: *\nDisallow: /\n', ['X-Robots-Tag', NO_ROBOTS]);

/** Answers with a canned response; headers set earlier (an upstream's, say) are dropped first. */
export function sendCanned(res: ServerResponse, response: CannedResponse): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.writeHead(response.status, response.headers as string[]);
  res.end(response.body); // node drops the body of a HEAD response
}

/** Answers an upgrade request with a canned response and closes the socket. */
export function sendCannedOnSocket(socket: Duplex, response: CannedResponse): void {
  if (socket.destroyed || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(response.message, () => socket.destroy());
}
