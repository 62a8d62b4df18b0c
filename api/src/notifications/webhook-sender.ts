import { createHmac } from 'node:crypto';
import { request } from 'undici';

/** One attempt to deliver, as the sender saw it. */
export interface AttemptResult {
  outcome: 'delivered' | 'retry' | 'failed';
  statusCode: number | null;
  error: string | null;
  /** What the receiver asked for with Retry-After. */
  retryAfterMs?: number;
}

export interface OutgoingWebhook {
  url: string;
  deliveryId: string;
  event: string;
  body: string;
  /** Unix seconds, sent as X-Staging-Timestamp (and, in the json format, inside the signed body). */
  timestamp: number;
  secret: string | undefined;
}

/** GitHub's convention: `sha256=` and the hex HMAC-SHA256 of the raw body, keyed with the webhook's secret. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

// Slack's and Discord's webhook URLs carry their token as a path segment.
function tokenLike(segment: string): boolean {
  return segment.length >= 16 && /\d/.test(segment) && /[A-Za-z]/.test(segment);
}

/**
 * The URL as the delivery log shows it: no user or password, query values replaced, and path segments
 * that look like tokens masked.
 */
export function displayUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(not a valid URL)';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, 'redacted');
  parsed.pathname = parsed.pathname
    .split('/')
    .map((segment) => (tokenLike(segment) ? 'redacted' : segment))
    .join('/');
  return parsed.toString();
}

/** The parts of a URL and the secret that must never reach a log: each is replaced wherever it appears. */
function confidentialParts(webhook: OutgoingWebhook): string[] {
  const parts = [webhook.url, webhook.secret ?? ''];
  try {
    const parsed = new URL(webhook.url);
    parts.push(parsed.username, parsed.password, ...parsed.searchParams.values(), ...parsed.pathname.split('/').filter(tokenLike));
  } catch {
    // An invalid URL is refused before anything is sent.
  }
  return parts.filter((part) => part.length >= 4).sort((a, b) => b.length - a.length);
}

function scrub(message: string, webhook: OutgoingWebhook): string {
  let clean = message;
  for (const part of confidentialParts(webhook)) clean = clean.split(part).join('[redacted]');
  return clean.slice(0, 500);
}

/** Seconds or an HTTP date, as RFC 9110 allows. */
export function retryAfterMs(header: string | string[] | undefined, at = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - at);
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'HeadersTimeoutError')) return `no response within ${timeoutMs} ms`;
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/**
 * POSTs one delivery: 2xx is delivered; network errors, timeouts, 429 and 5xx are worth another attempt;
 * anything else (a 4xx, or a redirect, which is not followed) is final.
 */
export async function sendWebhook(webhook: OutgoingWebhook, timeoutMs: number, shutdown: AbortSignal): Promise<AttemptResult> {
  let url: URL;
  try {
    url = new URL(webhook.url);
  } catch {
    return { outcome: 'failed', statusCode: null, error: 'the webhook URL is not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { outcome: 'failed', statusCode: null, error: `the webhook URL is not http(s): ${url.protocol}` };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'stagingd-webhooks/1',
    'x-staging-event': webhook.event,
    'x-staging-delivery': webhook.deliveryId,
    'x-staging-timestamp': String(webhook.timestamp),
  };
  if (webhook.secret !== undefined) headers['x-staging-signature-256'] = signature(webhook.secret, webhook.body);
  // A user and password in the URL mean Basic authentication, as curl reads them.
  if (url.username || url.password) {
    headers['authorization'] = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
  }
  try {
    const response = await request(url, {
      method: 'POST',
      headers,
      body: webhook.body,
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), shutdown]),
    });
    // What the receiver says is not kept: only its status.
    await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { outcome: 'delivered', statusCode: status, error: null };
    const retryable = status === 429 || status >= 500;
    const retryAfter = retryAfterMs(response.headers['retry-after']);
    return {
      outcome: retryable ? 'retry' : 'failed',
      statusCode: status,
      error: `the receiver answered ${status}`,
      ...(retryable && retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}),
    };
  } catch (error) {
    return { outcome: 'retry', statusCode: null, error: scrub(describe(error, timeoutMs), webhook) };
  }
}
