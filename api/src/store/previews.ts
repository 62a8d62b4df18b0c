import type { SecretBox } from '../security/secret-box';
import { type Database, optionalText, type Row, text } from './database';

/** A shared preview link as stored: the token only as its SHA-256 hash, the password only as an scrypt hash. */
export interface PreviewRecord {
  id: string;
  environmentId: string;
  project: string;
  environment: string;
  tokenHash: string;
  passwordHash: string | null;
  label: string | null;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const select = `SELECT p.*, e.project AS project, e.name AS environment FROM previews p JOIN environments e ON e.id = p.environment_id`;

function fromRow(row: Row): PreviewRecord {
  return {
    id: text(row, 'id'),
    environmentId: text(row, 'environment_id'),
    project: text(row, 'project'),
    environment: text(row, 'environment'),
    tokenHash: text(row, 'token_hash'),
    passwordHash: optionalText(row, 'password_hash'),
    label: optionalText(row, 'label'),
    expiresAt: text(row, 'expires_at'),
    createdBy: text(row, 'created_by'),
    createdAt: text(row, 'created_at'),
    revokedAt: optionalText(row, 'revoked_at'),
    lastUsedAt: optionalText(row, 'last_used_at'),
  };
}

/** What stagingd needs of its preview links: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface PreviewStore {
  insert(preview: Omit<PreviewRecord, 'project' | 'environment' | 'revokedAt' | 'lastUsedAt'>): Promise<PreviewRecord>;
  get(id: string): Promise<PreviewRecord | undefined>;
  byTokenHash(tokenHash: string): Promise<PreviewRecord | undefined>;
  /** Newest first. */
  list(environmentId: string): Promise<PreviewRecord[]>;
  /** False when it was already revoked (the first revocation's time stays). */
  revoke(id: string, at: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
  /** Links revoked before they expired: a session cookie of theirs could still look valid. */
  revokedBeforeExpiry(now: string): Promise<
    {
      id: string;
      expiresAt: string;
    }[]
  >;
  bypass(environmentId: string): Promise<
    | {
        secret: string;
        rotatedAt: string;
      }
    | undefined
  >;
  setBypass(environmentId: string, secret: string, rotatedAt: string): Promise<void>;
  allBypass(): Promise<
    {
      environmentId: string;
      secret: string;
    }[]
  >;
}

/** Preview links, and each environment's automation bypass secret (sealed at rest). */
export class SqlPreviewStore implements PreviewStore {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
  ) {}

  async insert(preview: Omit<PreviewRecord, 'project' | 'environment' | 'revokedAt' | 'lastUsedAt'>): Promise<PreviewRecord> {
    await this.database.run(
      `INSERT INTO previews (id, environment_id, token_hash, password_hash, label, expires_at, created_by, created_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ${this.database.nextSeq('previews')})`,
      [preview.id, preview.environmentId, preview.tokenHash, preview.passwordHash, preview.label, preview.expiresAt, preview.createdBy, preview.createdAt],
    );
    return (await this.get(preview.id))!;
  }

  async get(id: string): Promise<PreviewRecord | undefined> {
    const row = await this.database.get(`${select} WHERE p.id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  async byTokenHash(tokenHash: string): Promise<PreviewRecord | undefined> {
    const row = await this.database.get(`${select} WHERE p.token_hash = ?`, [tokenHash]);
    return row ? fromRow(row) : undefined;
  }

  /** Newest first. */
  async list(environmentId: string): Promise<PreviewRecord[]> {
    return (await this.database.all(`${select} WHERE p.environment_id = ? ORDER BY p.created_at DESC, p.seq DESC`, [environmentId])).map(fromRow);
  }

  /** False when it was already revoked (the first revocation's time stays). */
  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.database.run('UPDATE previews SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [at, id])) > 0;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.database.run('UPDATE previews SET last_used_at = ? WHERE id = ?', [at, id]);
  }

  /** Links revoked before they expired: a session cookie of theirs could still look valid. */
  async revokedBeforeExpiry(now: string): Promise<{ id: string; expiresAt: string }[]> {
    return (await this.database.all('SELECT id, expires_at FROM previews WHERE revoked_at IS NOT NULL AND expires_at > ?', [now])).map((row) => ({
      id: text(row, 'id'),
      expiresAt: text(row, 'expires_at'),
    }));
  }

  async bypass(environmentId: string): Promise<{ secret: string; rotatedAt: string } | undefined> {
    const row = await this.database.get('SELECT secret, rotated_at FROM preview_bypass WHERE environment_id = ?', [environmentId]);
    return row ? { secret: this.box.open(text(row, 'secret')), rotatedAt: text(row, 'rotated_at') } : undefined;
  }

  async setBypass(environmentId: string, secret: string, rotatedAt: string): Promise<void> {
    await this.database.run(
      'INSERT INTO preview_bypass (environment_id, secret, rotated_at) VALUES (?, ?, ?) ON CONFLICT (environment_id) DO UPDATE SET secret = excluded.secret, rotated_at = excluded.rotated_at',
      [environmentId, this.box.seal(secret), rotatedAt],
    );
  }

  async allBypass(): Promise<{ environmentId: string; secret: string }[]> {
    return (await this.database.all('SELECT environment_id, secret FROM preview_bypass')).map((row) => ({
      environmentId: text(row, 'environment_id'),
      secret: this.box.open(text(row, 'secret')),
    }));
  }
}
