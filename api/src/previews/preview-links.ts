import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { components } from '../../../common/src/api/schema';
import { parseDuration } from '../../../common/src/config/duration';
import type { PreviewsConfig } from '../../../common/src/config/model';
import { ClientError } from '../context/client-error';
import type { EventBus } from '../store/event-bus';
import type { AdmissionLink, PreviewAdmission } from '../proxy/preview-gate';
import { hashPassword } from '../security/passwords';
import type { PreviewRecord, PreviewStore } from '../store/previews';
import type { EnvironmentRecord } from '../store/records';
import { now } from '../store/records';
import type { ServerLog } from '../logs/server-log';

/** The longest a link may last, whatever its creator or staging.yaml asks for. */
export const MAX_LINK_LIFETIME_MS = 90 * 86_400_000;
/** last_used_at is written at most this often per link: a visitor's every request must not be a write. */
const TOUCH_INTERVAL_MS = 60_000;
/** base64url of 32 random bytes; anything else is not a token and costs no lookup. */
const TOKEN = /^[\w-]{43}$/;

export interface NewLink {
  label?: string;
  password?: string;
  expires_in?: string;
  expires_at?: string;
}

export type LinkStatus = 'active' | 'expired' | 'revoked';

export function linkStatus(link: Pick<PreviewRecord, 'expiresAt' | 'revokedAt'>, at = now()): LinkStatus {
  return link.revokedAt !== null ? 'revoked' : link.expiresAt <= at ? 'expired' : 'active';
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function expiryOf(request: NewLink, config: PreviewsConfig, from: number): string {
  if (request.expires_in !== undefined && request.expires_at !== undefined)
    throw new ClientError(422, "Give 'expires_in' or 'expires_at', not both.", { field: '/body/expires_at' });
  if (request.expires_in !== undefined) {
    const ms = parseDuration(request.expires_in) ?? 0;
    if (ms <= 0) throw new ClientError(422, `'expires_in' must be longer than zero, not '${request.expires_in}'.`, { field: '/body/expires_in' });
    if (ms > MAX_LINK_LIFETIME_MS)
      throw new ClientError(422, `A preview link lasts at most 90 days; 'expires_in' '${request.expires_in}' is longer.`, { field: '/body/expires_in' });
    return new Date(from + ms).toISOString();
  }
  if (request.expires_at !== undefined) {
    const at = Date.parse(request.expires_at);
    if (!(at > from)) throw new ClientError(422, `'expires_at' ${request.expires_at} is in the past.`, { field: '/body/expires_at' });
    if (at - from > MAX_LINK_LIFETIME_MS)
      throw new ClientError(422, `A preview link lasts at most 90 days; 'expires_at' ${request.expires_at} is further away.`, { field: '/body/expires_at' });
    return new Date(at).toISOString();
  }
  return new Date(from + Math.min(config.expiryMs, MAX_LINK_LIFETIME_MS)).toISOString();
}

/**
 * Shared preview links: made and revoked through the API, checked by the preview proxy's gate. What the
 * gate asks on every request (revoked? bypass secret?) is answered from memory, kept in step here.
 */
export class PreviewLinks implements PreviewAdmission {
  /** Revoked links by id, with their expiry (ms): after it, their cookies are refused for being expired anyway. */
  private readonly revoked = new Map<string, number>();
  /** SHA-256 of each environment's bypass secret, by environment id. */
  private readonly bypassDigests = new Map<string, Buffer>();
  private readonly touched = new Map<string, number>();

  private constructor(
    private readonly store: PreviewStore,
    private readonly events: EventBus,
    private readonly log: ServerLog,
  ) {}

  static async open(store: PreviewStore, events: EventBus, log: ServerLog): Promise<PreviewLinks> {
    const links = new PreviewLinks(store, events, log);
    for (const { id, expiresAt } of await store.revokedBeforeExpiry(now())) links.revoked.set(id, Date.parse(expiresAt));
    for (const { environmentId, secret } of await store.allBypass()) links.bypassDigests.set(environmentId, sha256(secret));
    return links;
  }

  /** A new link; the token is returned here and nowhere else (only its hash is stored). */
  async create(env: EnvironmentRecord, config: PreviewsConfig, request: NewLink, createdBy: string): Promise<{ link: PreviewRecord; token: string }> {
    if (config.password === 'required' && request.password === undefined)
      throw new ClientError(422, "This project's staging.yaml says preview links need a password (previews.password: required).", {
        field: '/body/password',
      });
    const expiresAt = expiryOf(request, config, Date.now());
    const token = randomBytes(32).toString('base64url');
    const link = await this.store.insert({
      id: randomUUID(),
      environmentId: env.id,
      tokenHash: sha256(token).toString('hex'),
      passwordHash: request.password === undefined ? null : await hashPassword(request.password),
      label: request.label ?? null,
      expiresAt,
      createdBy,
      createdAt: now(),
    });
    await this.events.publish('preview.created', {
      project: link.project,
      environment: link.environment,
      id: link.id,
      label: link.label,
      expires_at: link.expiresAt,
      created_by: link.createdBy,
    });
    return { link, token };
  }

  get(id: string): Promise<PreviewRecord | undefined> {
    return this.store.get(id);
  }

  list(env: EnvironmentRecord): Promise<PreviewRecord[]> {
    return this.store.list(env.id);
  }

  /** The revoked link, or undefined when there is no such link. Revoking twice changes nothing. */
  async revoke(id: string): Promise<PreviewRecord | undefined> {
    const link = await this.store.get(id);
    if (!link) return undefined;
    if (await this.store.revoke(id, now())) {
      this.forgetExpiredRevocations();
      this.revoked.set(id, Date.parse(link.expiresAt));
      const revoked = (await this.store.get(id)) ?? link;
      await this.events.publish('preview.revoked', {
        project: revoked.project,
        environment: revoked.environment,
        id,
        label: revoked.label,
        revoked_at: revoked.revokedAt,
      });
      return revoked;
    }
    return link;
  }

  /** The environment's bypass secret, made on first use or when asked to rotate. */
  async bypassSecret(env: EnvironmentRecord, rotate: boolean): Promise<{ secret: string; rotatedAt: string }> {
    const current = rotate ? undefined : await this.store.bypass(env.id);
    if (current) return current;
    const fresh = { secret: `stgb_${randomBytes(32).toString('base64url')}`, rotatedAt: now() };
    await this.store.setBypass(env.id, fresh.secret, fresh.rotatedAt);
    this.bypassDigests.set(env.id, sha256(fresh.secret));
    return fresh;
  }

  // The gate's questions (PreviewAdmission).

  async findByToken(token: string): Promise<AdmissionLink | undefined> {
    return TOKEN.test(token) ? this.store.byTokenHash(sha256(token).toString('hex')) : undefined;
  }

  isRevoked(linkId: string): boolean {
    return this.revoked.has(linkId);
  }

  bypassMatches(environmentId: string, presented: string): boolean {
    const expected = this.bypassDigests.get(environmentId);
    return expected !== undefined && timingSafeEqual(sha256(presented), expected);
  }

  touch(linkId: string): void {
    const at = Date.now();
    if (at - (this.touched.get(linkId) ?? 0) < TOUCH_INTERVAL_MS) return;
    if (this.touched.size >= 10_000) this.touched.clear();
    this.touched.set(linkId, at);
    this.store
      .touch(linkId, new Date(at).toISOString())
      .catch((error: unknown) => this.log(`preview link ${linkId}: last use not saved: ${String(error)}`, 'warn'));
  }

  private forgetExpiredRevocations(): void {
    const at = Date.now();
    for (const [id, expiresAt] of this.revoked) if (expiresAt <= at) this.revoked.delete(id);
  }
}

/** A preview link as the API shows it: never its token or either hash. */
export function presentPreviewLink(link: PreviewRecord): components['schemas']['PreviewLink'] {
  return {
    id: link.id,
    project: link.project,
    environment: link.environment,
    label: link.label,
    has_password: link.passwordHash !== null,
    status: linkStatus(link),
    expires_at: link.expiresAt,
    created_by: link.createdBy,
    created_at: link.createdAt,
    revoked_at: link.revokedAt,
    last_used_at: link.lastUsedAt,
  };
}
