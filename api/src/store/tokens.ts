import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { newToken, type Principal, type Scope, tokenHash } from '../security/tokens';
import { type Database, text } from './database';

export interface TokenRecord {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
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

  /**
   * The tokens created through the API alone, for `stagingd token`: it neither reads nor makes the admin token (a
   * stagingd given STAGINGD_TOKEN has no file, and the command must not leave one); no token authenticates as admin.
   */
  static apiTokens(database: Database): TokenStore {
    return new TokenStore(database, randomBytes(32));
  }

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
    return { store: new TokenStore(database, Buffer.from(tokenHash(adminToken), 'hex')), adminToken, generated };
  }

  async create(name: string, scopes: Scope[]): Promise<{ id: string; token: string }> {
    const id = randomUUID();
    const token = newToken();
    await this.database.run('INSERT INTO tokens (id, name, hash, scopes, created_at) VALUES (?, ?, ?, ?, ?)', [
      id,
      name,
      tokenHash(token),
      scopes.join(','),
      new Date().toISOString(),
    ]);
    return { id, token };
  }

  /** The tokens created through the API or `stagingd token create`, without their hashes. */
  async list(): Promise<TokenRecord[]> {
    const rows = await this.database.all('SELECT id, name, scopes, created_at FROM tokens ORDER BY created_at, id');
    return rows.map((row) => ({
      id: text(row, 'id'),
      name: text(row, 'name'),
      scopes: text(row, 'scopes').split(',') as Scope[],
      createdAt: text(row, 'created_at'),
    }));
  }

  /** Revokes a token: the next request with it is refused. False when there is no token with that id. */
  async revoke(id: string): Promise<boolean> {
    return (await this.database.run('DELETE FROM tokens WHERE id = ?', [id])) > 0;
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    const digest = Buffer.from(tokenHash(token), 'hex');
    // Constant-time for the admin token; API tokens are looked up by their hash, which leaks nothing.
    if (timingSafeEqual(digest, this.adminHash)) return { name: 'admin', scopes: ['admin'] };
    const row = await this.database.get('SELECT name, scopes FROM tokens WHERE hash = ?', [digest.toString('hex')]);
    return row ? { name: text(row, 'name'), scopes: text(row, 'scopes').split(',') as Scope[] } : undefined;
  }
}
