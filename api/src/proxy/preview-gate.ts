/**
 * Preview links at the proxy. A visit to `<env host>/<path>?staging_preview=<token>` (or
 * `/__staging/preview/<token>`) admits the visitor: the link's password form first when it has one
 * (posted to `/__staging/preview`), then a signed session cookie (preview-sessions.ts) and a redirect to
 * the page without the token. On an environment whose staging.yaml says `previews.access: links`, a
 * request needs that session or the environment's bypass secret in `x-staging-bypass`; on a public one
 * a session is only recognised (`previewSession(req)`). Neither the cookie nor the bypass header ever
 * reaches the app.
 *
 * The plain request (public environment, no cookie) costs two header reads and a look at the URL; a
 * session costs one HMAC the first time its cookie is seen and lookups in memory after that, never a
 * database query. Wrong passwords and unknown links are counted per
 * client address (an IPv6 one by its /64) and per link (429 past the limit), each attempt counted before
 * it is checked so that parallel guesses get no more tries than sequential ones; a wrong link runs scrypt
 * exactly as a wrong password does. So that no one party can deny a link to the others: a link takes five
 * times an address's limit (one address cannot lock it), a locked link still lets in the clients that entered
 * its password before, and the password checks take turns by address, a bounded few waiting (503 past that).
 * The password form is only taken from the preview's own pages (no login CSRF).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dummyPasswordHash, ScryptBusy, verifyPassword } from '../security/passwords';
import { addressKey, FailureLimiter, type Reservation } from './failure-limiter';
import { ProvenClients } from './proven-clients';
import {
  CROSS_SITE_FORM_PAGE,
  LINK_EXPIRED_PAGE,
  LINK_NOT_FOUND_PAGE,
  LINK_REVOKED_PAGE,
  PREVIEW_PATH,
  PRIVATE_PAGE,
  sendGatePage,
  sendPasswordForm,
  TOO_MANY_ATTEMPTS_PAGE,
  TOO_BUSY_PAGE,
} from './gate-pages';
import type { FeedbackEndpoints } from './feedback-endpoints';
import type { GatedRoute, PreviewSession } from './gate-types';

export type { GatedRoute, PreviewSession } from './gate-types';
import type { PreviewAddress } from './hosts';
import { isAssetRequest } from './asset-files';
import { BAD_REQUEST_PAGE, type CannedResponse, NOT_FOUND_PAGE, ROUTING_FAILED_PAGE, sendCanned } from './pages';
import { SESSION_COOKIE, type PreviewSessions, takeCookie } from './preview-sessions';

export const PREVIEW_TOKEN_PARAM = 'staging_preview';
export const BYPASS_HEADER = 'x-staging-bypass';
/** Paths the proxy answers itself on every staging environment; the app never sees them. */
export const RESERVED_PREFIX = '/__staging/';

const TOKEN_NEEDLE = `${PREVIEW_TOKEN_PARAM}=`;
const COOKIE_NEEDLE = `${SESSION_COOKIE}=`;
const MAX_FORM_BYTES = 8 * 1024;

/** A link as the gate needs it. Times are ISO 8601 strings. */
export interface AdmissionLink {
  id: string;
  environmentId: string;
  passwordHash: string | null;
  expiresAt: string;
  revokedAt: string | null;
}

/** The gate's questions to whoever keeps the links; only findByToken may go to the database. */
export interface PreviewAdmission {
  findByToken(token: string): Promise<AdmissionLink | undefined>;
  isRevoked(linkId: string): boolean;
  /** Constant time. */
  bypassMatches(environmentId: string, secret: string): boolean;
  /** A visitor came through the link (remembered at most once a minute). */
  touch(linkId: string): void;
}

export interface PreviewGateOptions {
  admission: PreviewAdmission;
  sessions: PreviewSessions;
  /** The proxy serves TLS: session cookies are Secure. */
  secure: boolean;
  /**
   * Default: 10 failures per 5 minutes per client address, and five times that per link. The links are counted
   * apart (`limiter.separate`), so that a flood of addresses never pushes a link's count out.
   */
  limiter?: FailureLimiter;
  /** Hears of failures the visitor was answered 500 for. */
  onError?(error: Error): void;
  /** The feedback widget's script and API, under /__staging/ (feedback-endpoints.ts). */
  feedback?: FeedbackEndpoints;
}

const sessionsByRequest = new WeakMap<IncomingMessage, PreviewSession>();

/** The preview session the gate recognised on this request, if any (for a feedback widget, say). */
export function previewSession(req: IncomingMessage): PreviewSession | undefined {
  return sessionsByRequest.get(req);
}

/** The token of a `staging_preview=` query parameter, if the URL has one. */
function tokenParameter(url: string): string | undefined {
  const query = url.indexOf('?');
  if (query === -1) return undefined;
  for (const part of url.slice(query + 1).split('&')) if (part.startsWith(TOKEN_NEEDLE)) return part.slice(TOKEN_NEEDLE.length);
  return undefined;
}

/** The URL without its `staging_preview` parameter, the rest of the query kept as it was written. */
function withoutToken(url: string): string {
  const query = url.indexOf('?');
  const kept = url
    .slice(query + 1)
    .split('&')
    .filter((part) => part !== PREVIEW_TOKEN_PARAM && !part.startsWith(TOKEN_NEEDLE));
  return kept.length > 0 ? `${url.slice(0, query)}?${kept.join('&')}` : url.slice(0, query);
}

/**
 * Where to go after the form: a path on this host only, never `//elsewhere`. Characters beyond ASCII are
 * percent-encoded (UTF-8), as a Location header takes none.
 */
function safeNext(next: string | null): string {
  if (next === null || next.length > 4096 || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  let ascii = true;
  for (let i = 0; i < next.length; i++) {
    const code = next.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return '/'; // no spaces or control characters in a Location header
    if (code > 0x7f) ascii = false;
  }
  if (ascii) return next;
  try {
    return next.replace(/[\u0080-\uffff]+/g, (text) => encodeURIComponent(text));
  } catch {
    return '/'; // a lone surrogate: not text at all
  }
}

/** The posted form, or undefined when it is not one or too large (the rest of it is read and dropped, so the answer still gets out). */
function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_FORM_BYTES) chunks.push(chunk);
      else resolve(undefined);
    });
    req.on('end', () => resolve(size > MAX_FORM_BYTES ? undefined : new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('close', () => resolve(undefined));
  });
}

function clientKey(req: IncomingMessage): string {
  return `client ${addressKey(req.socket.remoteAddress ?? '')}`;
}

/** A link's failure limit is this many times an address's. */
const LINK_LIMIT_FACTOR = 5;

function linkKey(link: AdmissionLink): string {
  return `link ${link.id}`;
}

function isSession(found: PreviewSession | CannedResponse | undefined): found is PreviewSession {
  return found !== undefined && 'linkId' in found;
}

function stateOf(link: AdmissionLink): 'active' | CannedResponse {
  if (link.revokedAt !== null) return LINK_REVOKED_PAGE;
  return Date.parse(link.expiresAt) <= Date.now() ? LINK_EXPIRED_PAGE : 'active';
}

export class PreviewGate {
  private readonly clients: FailureLimiter;
  /** Apart from the addresses, and refusing new links rather than forgetting locked ones when full. */
  private readonly links: FailureLimiter;
  private readonly proven = new ProvenClients();

  constructor(private readonly options: PreviewGateOptions) {
    this.clients = options.limiter ?? new FailureLimiter();
    this.links = this.clients.separate('refused', LINK_LIMIT_FACTOR);
    // Made now, so the first unknown link does not pay for it (and take longer than a wrong password).
    dummyPasswordHash().catch((error: unknown) => options.onError?.(error instanceof Error ? error : new Error(String(error))));
  }

  /** Whether visitors' pages get the feedback widget (on routes that want it). */
  get servesFeedback(): boolean {
    return this.options.feedback !== undefined;
  }

  /** True: forward the request to the app. False: the gate answers it (now, or once its lookup is done). */
  check(req: IncomingMessage, res: ServerResponse, route: GatedRoute, address: PreviewAddress): boolean {
    const url = req.url!;
    // Synced assets are the proxy's too, but behind the gate like the environment's pages.
    if (url.startsWith(RESERVED_PREFIX) && !isAssetRequest(url)) return this.takeOver(res, this.reserved(req, res, route, address, url));
    if (url.includes(TOKEN_NEEDLE)) {
      const token = tokenParameter(url);
      if (token !== undefined) return this.takeOver(res, this.visit(req, res, route, address, token, safeNext(withoutToken(url))));
    }
    const verdict = this.pass(req, route, address);
    if (verdict === true) return true;
    sendGatePage(res, verdict);
    return false;
  }

  /** For a WebSocket upgrade: true, or the page to answer on the socket. */
  checkUpgrade(req: IncomingMessage, route: GatedRoute, address: PreviewAddress): true | CannedResponse {
    return this.pass(req, route, address);
  }

  /** Whether a request without a token may reach the app: true, or the page that says why not. */
  private pass(req: IncomingMessage, route: GatedRoute, address: PreviewAddress): true | CannedResponse {
    const session = req.headers.cookie === undefined ? undefined : this.sessionOf(req, route, address);
    const bypass = req.headers[BYPASS_HEADER];
    if (bypass !== undefined) delete req.headers[BYPASS_HEADER];
    if (route.access === 'public' || isSession(session)) return true;
    if (typeof bypass === 'string' && this.options.admission.bypassMatches(route.environmentId, bypass)) return true;
    return session ?? PRIVATE_PAGE;
  }

  /**
   * The session the request's cookie carries, or the page for a cookie whose link has expired or was
   * revoked. Takes the cookie out of the request either way.
   */
  private sessionOf(req: IncomingMessage, route: GatedRoute, address: PreviewAddress): PreviewSession | CannedResponse | undefined {
    const header = req.headers.cookie!;
    if (!header.includes(COOKIE_NEEDLE)) return undefined;
    const { values, rest } = takeCookie(header, SESSION_COOKIE);
    if (rest === undefined) delete req.headers.cookie;
    else req.headers.cookie = rest;
    let refused: CannedResponse | undefined;
    for (const value of values) {
      const claims = this.options.sessions.verify(value, route.environmentId);
      if (claims === undefined) continue;
      if (claims.expiresAtMs <= Date.now()) refused ??= LINK_EXPIRED_PAGE;
      else if (this.options.admission.isRevoked(claims.linkId)) refused = LINK_REVOKED_PAGE;
      else {
        const session = { linkId: claims.linkId, environmentId: route.environmentId, project: address.project, environment: address.environment ?? '' };
        sessionsByRequest.set(req, session);
        this.options.admission.touch(claims.linkId);
        return session;
      }
    }
    return refused;
  }

  private takeOver(res: ServerResponse, answering: Promise<void>): false {
    answering.catch((error: unknown) => {
      sendCanned(res, ROUTING_FAILED_PAGE);
      this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
    });
    return false;
  }

  private async reserved(req: IncomingMessage, res: ServerResponse, route: GatedRoute, address: PreviewAddress, url: string): Promise<void> {
    const path = url.split('?', 1)[0]!;
    if (path === PREVIEW_PATH && req.method === 'POST') return this.submit(req, res, route);
    if (path.startsWith(`${PREVIEW_PATH}/`) && (req.method === 'GET' || req.method === 'HEAD'))
      return this.visit(req, res, route, address, path.slice(PREVIEW_PATH.length + 1), '/');
    const feedback = this.options.feedback;
    if (feedback?.owns(path)) {
      const found = req.headers.cookie === undefined ? undefined : this.sessionOf(req, route, address);
      return feedback.handle(req, res, route, isSession(found) ? found : undefined, url);
    }
    sendCanned(res, NOT_FOUND_PAGE);
  }

  /** The link's environment must be this one: a token of another environment is as unknown as a wrong one. */
  private async linkOf(route: GatedRoute, token: string): Promise<AdmissionLink | undefined> {
    const link = await this.options.admission.findByToken(token);
    return link?.environmentId === route.environmentId ? link : undefined;
  }

  private tooMany(res: ServerResponse, seconds: number): void {
    sendGatePage(res, TOO_MANY_ATTEMPTS_PAGE, ['Retry-After', String(seconds)]);
  }

  /** Someone opened a link: in at once without a password, otherwise the form. */
  private async visit(req: IncomingMessage, res: ServerResponse, route: GatedRoute, address: PreviewAddress, token: string, next: string): Promise<void> {
    // Counted as a failure until the link is found, so that parallel lookups of unknown links stop at the limit too.
    const attempt = this.clients.reserve(clientKey(req));
    if (attempt.retryAfterSeconds > 0) return this.tooMany(res, attempt.retryAfterSeconds);
    const link = await this.linkOf(route, token);
    if (link === undefined) return sendGatePage(res, LINK_NOT_FOUND_PAGE);
    attempt.refund();
    const state = stateOf(link);
    if (state !== 'active') return sendGatePage(res, state);
    if (link.passwordHash === null) return this.admit(res, route, link, next, 302);
    // Already in through this very link: no password again.
    const current = req.headers.cookie === undefined ? undefined : this.sessionOf(req, route, address);
    if (isSession(current) && current.linkId === link.id) return this.redirect(res, next, 302, []);
    const linkWait = this.proven.has(link.id, clientKey(req)) ? 0 : this.links.retryAfterSeconds(linkKey(link));
    if (linkWait > 0) return this.tooMany(res, linkWait);
    sendPasswordForm(res, { token, next, wrong: false });
  }

  /**
   * Whether a browser sent the form from another site: a page elsewhere posting a link's token and its
   * password would sign the visitor into a session of the attacker's choosing (login CSRF). Browsers say
   * where a request comes from (Sec-Fetch-Site, Origin); clients that send neither are let be.
   */
  private fromElsewhere(req: IncomingMessage): boolean {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return true;
    const origin = req.headers.origin;
    if (origin === undefined || origin === 'null') return false;
    return origin.toLowerCase() !== `${this.options.secure ? 'https' : 'http'}://${(req.headers.host ?? '').toLowerCase()}`;
  }

  /**
   * The password form was posted. A wrong token and a wrong password take the same path: one lookup, one
   * scrypt (against a dummy hash when there is no link; at most a few at once, the others queued), one
   * failure counted, the same 401 form. The failure is counted before the check and refunded when the
   * password is right, so parallel guesses beyond the limit are refused at once instead of all checked.
   */
  private async submit(req: IncomingMessage, res: ServerResponse, route: GatedRoute): Promise<void> {
    if (this.fromElsewhere(req)) return sendGatePage(res, CROSS_SITE_FORM_PAGE);
    const client = clientKey(req);
    const wait = this.clients.retryAfterSeconds(client);
    if (wait > 0) return this.tooMany(res, wait);
    const form = await readForm(req);
    if (form === undefined) return sendCanned(res, BAD_REQUEST_PAGE);
    const token = form.get('token') ?? '';
    const next = safeNext(form.get('next'));
    const clientAttempt = this.clients.reserve(client);
    if (clientAttempt.retryAfterSeconds > 0) return this.tooMany(res, clientAttempt.retryAfterSeconds);
    let linkAttempt: Reservation | undefined;
    let failed = false;
    try {
      const link = await this.linkOf(route, token);
      // A client that entered this link's password before is not shut out by a lock others caused, nor queued behind them.
      const proven = link !== undefined && this.proven.has(link.id, client);
      linkAttempt = link === undefined || proven ? undefined : this.links.reserve(linkKey(link));
      if (linkAttempt !== undefined && linkAttempt.retryAfterSeconds > 0) return this.tooMany(res, linkAttempt.retryAfterSeconds);
      let matches: boolean;
      try {
        matches = await verifyPassword(form.get('password') ?? '', link?.passwordHash ?? (await dummyPasswordHash()), client, proven);
      } catch (error) {
        // Nothing was checked: not a failure (refunded below).
        if (error instanceof ScryptBusy) return sendGatePage(res, TOO_BUSY_PAGE, ['Retry-After', '1']);
        throw error;
      }
      const state = link === undefined ? 'active' : stateOf(link);
      if (state !== 'active') return sendGatePage(res, state);
      if (link === undefined || (link.passwordHash !== null && !matches)) {
        failed = true;
        return sendPasswordForm(res, { token, next, wrong: true });
      }
      if (link.passwordHash !== null) this.proven.add(link.id, client);
      this.admit(res, route, link, next, 303);
    } finally {
      if (!failed) {
        clientAttempt.refund();
        linkAttempt?.refund();
      }
    }
  }

  /** Sets the session cookie and sends the visitor to the page without the token. */
  private admit(res: ServerResponse, route: GatedRoute, link: AdmissionLink, next: string, status: 302 | 303): void {
    const expiresAtMs = Date.parse(link.expiresAt);
    const value = this.options.sessions.sign(link.id, route.environmentId, expiresAtMs);
    this.options.admission.touch(link.id);
    this.redirect(res, next, status, ['Set-Cookie', this.options.sessions.cookie(value, (expiresAtMs - Date.now()) / 1000, this.options.secure)]);
  }

  private redirect(res: ServerResponse, location: string, status: 302 | 303, headers: string[]): void {
    res.writeHead(status, ['Location', location, 'Cache-Control', 'no-store', 'Referrer-Policy', 'no-referrer', 'Content-Length', '0', ...headers]);
    res.end();
  }
}
