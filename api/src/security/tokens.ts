import { createHash, randomBytes } from 'node:crypto';

export type Scope = 'read' | 'deploy' | 'admin';
const rank: Record<Scope, number> = { read: 1, deploy: 2, admin: 3 };

export interface Principal {
  name: string;
  scopes: Scope[];
}

export function allows(principal: Principal, needed: Scope): boolean {
  return principal.scopes.some((scope) => rank[scope] >= rank[needed]);
}

export function newToken(): string {
  return `stg_${randomBytes(24).toString('base64url')}`;
}

/** How a token is kept: its SHA-256, never the token. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** How a token is shown in logs: enough to tell which one, never enough to use it. */
export function redact(token: string): string {
  return `${token.slice(0, 8)}…`;
}
