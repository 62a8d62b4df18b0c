/**
 * The session cookie a preview link sets: `<link id>.<expiry, unix seconds>.<HMAC-SHA256>`, the MAC over
 * those two and the environment's id, with a server key kept in the data directory (mode 0600). Checking
 * one is one HMAC the first time a value is seen and a lookup in memory after that, never a database
 * query. It is host-only (no Domain attribute), so a browser sends it to exactly
 * the environment that set it, and the MAC binds it to that environment anyway.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const SESSION_COOKIE = 'staging_preview';
const KEY_FILE = 'preview-session.key';
const LINK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXPIRY = /^\d{1,12}$/;
const MAC_CHARS = 43;
/** Values already verified, so a visitor's every request does not pay for an HMAC; emptied when full. */
const VERIFIED_CAPACITY = 10_000;

export interface SessionClaims {
  linkId: string;
  expiresAtMs: number;
}

export class PreviewSessions {
  private readonly verified = new Map<string, SessionClaims & { environmentId: string }>();

  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('a preview session key has at least 256 bits');
  }

  /** The key in `<dataDir>/preview-session.key`, made on first use. */
  static open(dataDir: string): PreviewSessions {
    const file = path.join(dataDir, KEY_FILE);
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    return new PreviewSessions(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  private mac(linkId: string, expiry: string, environmentId: string): Buffer {
    return createHmac('sha256', this.key).update(`${linkId}.${expiry}.${environmentId}`).digest();
  }

  /** The cookie value of a session through `linkId` on that environment, until `expiresAtMs`. */
  sign(linkId: string, environmentId: string, expiresAtMs: number): string {
    const expiry = String(Math.floor(expiresAtMs / 1000));
    return `${linkId}.${expiry}.${this.mac(linkId, expiry, environmentId).toString('base64url')}`;
  }

  /** The claims of a value this server signed for this environment (expired or not); undefined for anything else. */
  verify(value: string, environmentId: string): SessionClaims | undefined {
    const known = this.verified.get(value);
    if (known !== undefined) return known.environmentId === environmentId ? known : undefined;
    const [linkId, expiry, mac, extra] = value.split('.');
    if (linkId === undefined || expiry === undefined || mac === undefined || extra !== undefined) return undefined;
    if (mac.length !== MAC_CHARS || !LINK_ID.test(linkId) || !EXPIRY.test(expiry)) return undefined;
    // The MAC's text is compared, not its decoded bytes: the last of 43 base64url characters has two spare
    // bits, so four spellings decode to the same 32 bytes, and only the one sign() writes is the cookie.
    const given = Buffer.from(mac);
    const expected = Buffer.from(this.mac(linkId, expiry, environmentId).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const claims = { linkId, expiresAtMs: Number(expiry) * 1000, environmentId };
    if (this.verified.size >= VERIFIED_CAPACITY) this.verified.clear();
    this.verified.set(value, claims);
    return claims;
  }

  /** The Set-Cookie header value. */
  cookie(value: string, maxAgeSeconds: number, secure: boolean): string {
    return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
  }
}

/**
 * Splits a Cookie header into the values of cookie `name` and the header without them (undefined when
 * nothing else is left), so the app behind the proxy never sees the preview session.
 */
export function takeCookie(header: string, name: string): { values: string[]; rest: string | undefined } {
  const values: string[] = [];
  const kept: string[] = [];
  for (const part of header.split(';')) {
    const pair = part.trim();
    if (pair.length === 0) continue;
    if (pair.startsWith(name) && pair.charCodeAt(name.length) === 61 /* = */) values.push(pair.slice(name.length + 1));
    else kept.push(pair);
  }
  return { values, rest: kept.length > 0 ? kept.join('; ') : undefined };
}
