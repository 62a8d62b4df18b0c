/**
 * What the preview gate answers itself: the password form of a preview link and the pages that say why
 * a visitor is not let in. They work without JavaScript, load nothing, and keep the token in the address
 * bar from leaking (no referrer, nothing framed).
 */
import type { ServerResponse } from 'node:http';
import { type CannedResponse, errorPage, htmlPage, PAGE_HEADERS } from './pages';

/** Where the password form posts; `/__staging/preview/<token>` is the path form of a link. */
export const PREVIEW_PATH = '/__staging/preview';

export const GATE_HEADERS = [
  'Referrer-Policy',
  'no-referrer',
  'Content-Security-Policy',
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
];

export const LINK_NOT_FOUND_PAGE = errorPage(
  404,
  'This preview link is not valid',
  'Check that you opened the whole link you were sent. If it is complete, ask the person who shared it for a new one.',
  GATE_HEADERS,
);

export const LINK_EXPIRED_PAGE = errorPage(
  410,
  'This preview link has expired',
  'Links to a staging environment last a limited time. Ask the person who shared it for a new link.',
  GATE_HEADERS,
);

export const LINK_REVOKED_PAGE = errorPage(
  410,
  'This preview link was revoked',
  'The person who shared it has withdrawn it. Ask them for a new link if you still need to see this preview.',
  GATE_HEADERS,
);

export const PRIVATE_PAGE = errorPage(
  401,
  'This preview is private: ask for a link',
  'This staging environment is shared through preview links only. Open the link you were sent, or ask the team for one.',
  GATE_HEADERS,
);

export const TOO_MANY_ATTEMPTS_PAGE = errorPage(
  429,
  'Too many attempts',
  'There were too many wrong passwords or links, from here or for this link. Wait a few minutes, then open the link again.',
  GATE_HEADERS,
);

export const TOO_BUSY_PAGE = errorPage(
  503,
  'Too many sign-ins at once',
  'This preview is checking many passwords right now. Wait a moment, then send the form again.',
  GATE_HEADERS,
);

export const CROSS_SITE_FORM_PAGE = errorPage(
  403,
  'This password form was sent from another site',
  'A preview link’s password is only taken from the form on the preview itself. Open the link you were sent again and enter the password there.',
  GATE_HEADERS,
);

const FORM_STYLE =
  'form{margin-top:1.25rem;display:grid;gap:.5rem}label{font-weight:600}' +
  'input[type=password]{font:inherit;padding:.55rem .7rem;border:1px solid #8c959f;border-radius:.4rem;background:#fff;color:inherit}' +
  'input[aria-invalid=true]{border-color:#cf222e}.error{color:#cf222e;font-weight:600}' +
  'button{justify-self:start;margin-top:.5rem;font:inherit;font-weight:600;padding:.6rem 1.1rem;border:0;border-radius:.4rem;background:#0969da;color:#fff;cursor:pointer}' +
  'input:focus-visible,button:focus-visible{outline:3px solid #0969da;outline-offset:2px}' +
  '@media (prefers-color-scheme:dark){input[type=password]{background:#0d1117;border-color:#6e7681}input[aria-invalid=true]{border-color:#ff7b72}.error{color:#ff7b72}button{background:#1f6feb}}';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The password form of a link (200), or again after a wrong password (401, with the error announced). */
export function sendPasswordForm(res: ServerResponse, options: { token: string; next: string; wrong: boolean }): void {
  const status = options.wrong ? 401 : 200;
  const invalid = options.wrong ? ' aria-invalid="true" aria-describedby="password-error"' : '';
  const content =
    '<p>Enter the password you were given with this link to see the preview.</p>' +
    `<form method="post" action="${PREVIEW_PATH}">` +
    `<input type="hidden" name="token" value="${escapeHtml(options.token)}">` +
    `<input type="hidden" name="next" value="${escapeHtml(options.next)}">` +
    '<label for="password">Password</label>' +
    `<input id="password" name="password" type="password" autocomplete="current-password" required autofocus${invalid}>` +
    (options.wrong ? '<p id="password-error" class="error" role="alert">That password is not right. Check it and try again.</p>' : '') +
    '<button type="submit">Open the preview</button></form>';
  const body = Buffer.from(htmlPage(options.wrong ? '401 · Staging' : 'Shared preview · Staging', 'This preview needs a password', content, FORM_STYLE));
  res.writeHead(status, [...PAGE_HEADERS, ...GATE_HEADERS, 'Content-Type', 'text/html; charset=utf-8', 'Content-Length', String(body.length)]);
  res.end(body);
}

/** A gate page, with extra headers (Retry-After) when there are any. */
export function sendGatePage(res: ServerResponse, page: CannedResponse, extraHeaders: readonly string[] = []): void {
  res.writeHead(page.status, [...page.headers, ...extraHeaders]);
  res.end(page.body);
}
