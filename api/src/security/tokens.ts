import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Database } from '../store/database';
import { text } from '../store/database';

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

function hash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** How a token is shown in logs: enough to tell which one, never enough to use it. */
export function redact(token: string): string {
  return `${token.slice(0, 8)}…`;
}

/**
 * Tokens: the admin token (STAGINGD_TOKEN, or generated once into the data directory with mode 0600)
 * and the tokens created through the API, stored as SHA-256 hashes only.
 */
export class TokenStore {
  private constructor(
    private readonly database: Database,
    private readonly adminHash: Buffer,
  ) {}

  static open(database: Database, dataDir: string, fromEnvironment: string | undefined): { store: TokenStore; adminToken: string; generated: boolean } {
    let adminToken = fromEnvironment?.trim();
    let generated = false;
    const file = path.join(dataDir, 'admin-token');
    if (!adminToken) {
      if (!existsSync(file)) {
        writeFileSync(file, `${newToken()}\n`, { mode: 0o600, flag: 'wx' });
        generated = true;
      }
      adminToken = readFileSync(file, 'utf8').trim();
    }
    return { store: new TokenStore(database, Buffer.from(hash(adminToken), 'hex')), adminToken, generated };
  }

  async create(name: string, scopes: Scope[]): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = newToken();
    await this.database.run('INSERT INTO tokens (id, name, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      name,
      hash(token),
      scopes.join(','),
      new Date().toISOString(),
    ]);
    return { id, token };
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    const digest = Buffer.from(hash(token), 'hex');
    // Constant-time for the admin token; API tokens are looked up by their hash, which leaks nothing.
    if (timingSafeEqual(digest, this.adminHash)) return { name: 'admin', scopes: ['admin'] };
    const row = await this.database.get('SELECT name, scopes FROM tokens WHERE hash = ?', [digest.toString('hex')]);
    return row ? { name: text(row, 'name'), scopes: text(row, 'scopes').split(',') as Scope[] } : undefined;
  }
}
