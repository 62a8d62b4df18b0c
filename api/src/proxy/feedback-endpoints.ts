/**
 * The feedback widget at the preview proxy, for preview link visitors only: `/__staging/feedback.js` (the
 * widget, built from api/src/feedback-widget to dist/feedback-widget.js) and its API under
 * `/__staging/api/` (comments, replies, resolving, reviews), answered here with the visitor's preview
 * session and never forwarded: the app does not see these requests, and the visitor never reaches the
 * admin API. Anything else, or anyone without a session on an environment with feedback on, gets 404 for
 * the script and 401 from the API.
 *
 * Requests from elsewhere are refused: the API wants an `x-staging-widget: 1` header (which a cross-site
 * page cannot send without a CORS preflight this proxy never grants), an `Origin` of the preview host on
 * every write, `Sec-Fetch-Site: same-origin` when the browser sends it, and JSON bodies only. The session
 * cookie is SameSite=Lax as well. What this cannot stop is the previewed app's own scripts: they run on
 * the same origin as the widget, so they can do whatever the widget can, as the visitor. That is why a
 * visitor's review counts only under a strict rule (see visitorReviewer in deploy/approvals.ts).
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WIDGET_REQUEST_HEADER } from './widget-protocol';
import { NO_ROBOTS, NOT_FOUND_PAGE, sendCanned } from './pages';
import type { GatedRoute, PreviewSession } from './gate-types';

export const FEEDBACK_SCRIPT_PATH = '/__staging/feedback.js';
export const WIDGET_API_PREFIX = '/__staging/api/';
/**
 * What goes before `</body>` of a visitor's HTML pages. A same-origin script: an app whose
 * Content-Security-Policy has a `script-src` without 'self' blocks it (the widget then does not show);
 * the proxy leaves the app's CSP alone rather than weaken it.
 */
export const FEEDBACK_SCRIPT_TAG = Buffer.from(`<script src="${FEEDBACK_SCRIPT_PATH}" defer></script>`);

const MAX_BODY_BYTES = 16 * 1024;
const JSON_HEADERS = [
  'Content-Type',
  'application/json; charset=utf-8',
  'Cache-Control',
  'no-store',
  'X-Content-Type-Options',
  'nosniff',
  'X-Robots-Tag',
  NO_ROBOTS,
];

/** The widget's requests as stagingd answers them (feedback/widget-api.ts). */
export interface WidgetApi {
  /** `path` is what follows `/__staging/api/`, without the query. Errors come back as a status and a problem body. */
  answer(session: PreviewSession, request: { method: string; path: string; query: URLSearchParams; body: unknown }): Promise<{ status: number; body: unknown }>;
}

export interface FeedbackEndpointsOptions {
  api: WidgetApi;
  /** The built widget (dist/feedback-widget.js); read once, on first use. */
  scriptFile: string;
  /** The proxy serves TLS: the Origin to expect is https. */
  secure: boolean;
  onError?(error: Error): void;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, [...JSON_HEADERS, 'Content-Length', String(bytes.length)]);
  res.end(bytes);
}

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Payload too large',
  415: 'Unsupported media type',
};

function sendProblem(res: ServerResponse, status: number, detail: string): void {
  sendJson(res, status, { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail });
}

const TOO_LARGE = Symbol('too large');
const NOT_JSON = Symbol('not json');

/** The JSON body, undefined when there is none, or TOO_LARGE / NOT_JSON. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return resolve(TOO_LARGE);
      if (size === 0) return resolve(undefined);
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        resolve(NOT_JSON);
      }
    });
    req.on('close', () => resolve(TOO_LARGE));
  });
}

export class FeedbackEndpoints {
  private script: Promise<Buffer> | undefined;

  constructor(private readonly options: FeedbackEndpointsOptions) {}

  /** Whether the path is one of the widget's. */
  owns(path: string): boolean {
    return path === FEEDBACK_SCRIPT_PATH || path.startsWith(WIDGET_API_PREFIX);
  }

  /** Answers one of the widget's paths; `session` is the visitor's, if the request carried one. */
  async handle(req: IncomingMessage, res: ServerResponse, route: GatedRoute, session: PreviewSession | undefined, url: string): Promise<void> {
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    const enabled = route.feedback === true && session !== undefined;
    if (path === FEEDBACK_SCRIPT_PATH)
      return enabled && (req.method === 'GET' || req.method === 'HEAD') ? this.sendScript(res) : sendCanned(res, NOT_FOUND_PAGE);
    if (!enabled) return sendProblem(res, 401, 'No preview session here: open the preview link you were sent again.');
    const refusal = this.refusal(req);
    if (refusal !== undefined) {
      req.resume();
      return sendProblem(res, 403, refusal);
    }
    let body: unknown;
    if (req.method === 'POST') {
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
        req.resume();
        return sendProblem(res, 415, 'Send JSON (Content-Type: application/json).');
      }
      body = await readJson(req);
      if (body === TOO_LARGE) return sendProblem(res, 413, `The request body is over ${MAX_BODY_BYTES} bytes.`);
      if (body === NOT_JSON) return sendProblem(res, 400, 'The request body is not valid JSON.');
    } else req.resume();
    const answer = await this.options.api.answer(session, {
      method: req.method ?? 'GET',
      path: path.slice(WIDGET_API_PREFIX.length),
      query: new URLSearchParams(query === -1 ? '' : url.slice(query + 1)),
      body,
    });
    sendJson(res, answer.status, answer.body);
  }

  /** Why a request does not look like the widget's own, on this host; undefined when it does. */
  private refusal(req: IncomingMessage): string | undefined {
    if (req.headers[WIDGET_REQUEST_HEADER] !== '1') return `The feedback API answers the feedback widget only (${WIDGET_REQUEST_HEADER}: 1).`;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return 'The feedback API answers requests from this preview only.';
    const origin = req.headers.origin;
    const expected = `${this.options.secure ? 'https' : 'http'}://${req.headers.host ?? ''}`;
    if (origin !== undefined ? origin !== expected : req.method !== 'GET') return 'The feedback API answers requests from this preview only (Origin).';
    return undefined;
  }

  private async sendScript(res: ServerResponse): Promise<void> {
    let script: Buffer;
    try {
      this.script ??= readFile(this.options.scriptFile);
      script = await this.script;
    } catch (error) {
      this.script = undefined;
      this.options.onError?.(new Error(`the feedback widget ${this.options.scriptFile} could not be read (npm run build?): ${String(error)}`));
      return sendCanned(res, NOT_FOUND_PAGE);
    }
    res.writeHead(200, [
      'Content-Type',
      'text/javascript; charset=utf-8',
      'Content-Length',
      String(script.length),
      'Cache-Control',
      'no-cache',
      'X-Content-Type-Options',
      'nosniff',
      'X-Robots-Tag',
      NO_ROBOTS,
    ]);
    res.end(script);
  }
}
