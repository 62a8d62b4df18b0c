import { type Database, optionalText, type Row, text } from './database';

export type StorageCleanupStatus = 'running' | 'succeeded' | 'failed';

/** What one cleanup removed. */
export interface RemovedCounts {
  releases: number;
  images: number;
  logs: number;
  screenshots: number;
  bytes: number;
}

/** One run of the retention policy over every project (on its interval, or asked for). */
export interface StorageCleanupRecord {
  id: string;
  seq: number;
  trigger: 'schedule' | 'manual';
  requestedBy: string;
  status: StorageCleanupStatus;
  reason: string | null;
  removed: RemovedCounts;
  createdAt: string;
  completedAt: string | null;
}

function fromRow(row: Row): StorageCleanupRecord {
  return {
    id: text(row, 'id'),
    seq: Number(row['seq']),
    trigger: text(row, 'trigger') as StorageCleanupRecord['trigger'],
    requestedBy: text(row, 'requested_by'),
    status: text(row, 'status') as StorageCleanupStatus,
    reason: optionalText(row, 'reason'),
    removed: { releases: 0, images: 0, logs: 0, screenshots: 0, bytes: 0, ...(JSON.parse(text(row, 'removed')) as Partial<RemovedCounts>) },
    createdAt: text(row, 'created_at'),
    completedAt: optionalText(row, 'completed_at'),
  };
}

/** The record of storage cleanups: the seam another database's store implements. */
export interface StorageCleanupStore {
  insert(cleanup: Pick<StorageCleanupRecord, 'id' | 'trigger' | 'requestedBy' | 'createdAt'>): Promise<StorageCleanupRecord>;
  get(id: string): Promise<StorageCleanupRecord | undefined>;
  /** The newest first. */
  latest(limit: number): Promise<StorageCleanupRecord[]>;
  finish(
    id: string,
    outcome: { status: 'succeeded' | 'failed'; reason: string | null; removed: RemovedCounts; completedAt: string },
  ): Promise<StorageCleanupRecord>;
  /** Cleanups a replica left running (this one, before it restarted: the default): failed; how many. */
  failRunning(reason: string, completedAt: string, owner?: string): Promise<number>;
}

export class SqlStorageCleanupStore implements StorageCleanupStore {
  constructor(
    private readonly database: Database,
    private readonly replica: string,
  ) {}

  async insert(cleanup: Pick<StorageCleanupRecord, 'id' | 'trigger' | 'requestedBy' | 'createdAt'>): Promise<StorageCleanupRecord> {
    await this.database.run(
      `INSERT INTO storage_cleanups (id, seq, trigger, requested_by, status, created_at, owner)
       VALUES (?, ${this.database.nextSeq('storage_cleanups')}, ?, ?, 'running', ?, ?)`,
      [cleanup.id, cleanup.trigger, cleanup.requestedBy, cleanup.createdAt, this.replica],
    );
    return (await this.get(cleanup.id))!;
  }

  async get(id: string): Promise<StorageCleanupRecord | undefined> {
    const row = await this.database.get(`SELECT * FROM storage_cleanups WHERE id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  async latest(limit: number): Promise<StorageCleanupRecord[]> {
    return (await this.database.all(`SELECT * FROM storage_cleanups ORDER BY seq DESC LIMIT ?`, [limit])).map(fromRow);
  }

  async finish(
    id: string,
    outcome: { status: 'succeeded' | 'failed'; reason: string | null; removed: RemovedCounts; completedAt: string },
  ): Promise<StorageCleanupRecord> {
    await this.database.run(`UPDATE storage_cleanups SET status = ?, reason = ?, removed = ?, completed_at = ? WHERE id = ?`, [
      outcome.status,
      outcome.reason,
      JSON.stringify(outcome.removed),
      outcome.completedAt,
      id,
    ]);
    return (await this.get(id))!;
  }

  async failRunning(reason: string, completedAt: string, owner = this.replica): Promise<number> {
    return this.database.run(
      `UPDATE storage_cleanups SET status = 'failed', reason = ?, completed_at = ? WHERE status = 'running' AND (owner = ? OR owner IS NULL)`,
      [reason, completedAt, owner],
    );
  }
}
