import { type Database, newestFirst, optionalText, type Row, text } from './database';

export type AssetSyncStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type AssetSyncTrigger = 'created' | 'schedule' | 'manual';

/** One copy of staging.yaml's assets.source into an environment's asset folder. Its log is the log with the same id. */
export interface AssetSyncRecord {
  id: string;
  environmentId: string;
  project: string;
  environment: string;
  seq: number;
  trigger: AssetSyncTrigger;
  requestedBy: string;
  status: AssetSyncStatus;
  reason: string | null;
  /** How many files the source has (excluded ones left out). */
  files: number;
  /** What this sync wrote: files and their bytes (a file already there with the same content is not written). */
  copied: number;
  bytes: number;
  /** Files `cleanup` deleted from the environment (the source no longer has them). */
  deleted: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

const select = `SELECT a.*, e.project AS project, e.name AS environment FROM asset_syncs a JOIN environments e ON e.id = a.environment_id`;

function fromRow(row: Row): AssetSyncRecord {
  return {
    id: text(row, 'id'),
    environmentId: text(row, 'environment_id'),
    project: text(row, 'project'),
    environment: text(row, 'environment'),
    seq: Number(row['seq']),
    trigger: text(row, 'trigger') as AssetSyncTrigger,
    requestedBy: text(row, 'requested_by'),
    status: text(row, 'status') as AssetSyncStatus,
    reason: optionalText(row, 'reason'),
    files: Number(row['files']),
    copied: Number(row['copied']),
    bytes: Number(row['bytes']),
    deleted: Number(row['deleted']),
    createdAt: text(row, 'created_at'),
    startedAt: optionalText(row, 'started_at'),
    completedAt: optionalText(row, 'completed_at'),
  };
}

export type AssetSyncChanges = Partial<Pick<AssetSyncRecord, 'status' | 'reason' | 'files' | 'copied' | 'bytes' | 'deleted' | 'startedAt' | 'completedAt'>>;
const columnOf: Record<keyof AssetSyncChanges, string> = {
  status: 'status',
  reason: 'reason',
  files: 'files',
  copied: 'copied',
  bytes: 'bytes',
  deleted: 'deleted',
  startedAt: 'started_at',
  completedAt: 'completed_at',
};

export type NewAssetSync = Pick<AssetSyncRecord, 'id' | 'environmentId' | 'trigger' | 'requestedBy' | 'status' | 'createdAt'>;

/** The record of asset syncs: the seam another database's store implements. */
export interface AssetSyncStore {
  insert(sync: NewAssetSync): Promise<AssetSyncRecord>;
  get(id: string): Promise<AssetSyncRecord | undefined>;
  /** Newest first; `beforeSeq` continues a page. */
  page(environmentId: string, limit: number, beforeSeq?: number): Promise<AssetSyncRecord[]>;
  withStatus(statuses: AssetSyncStatus[]): Promise<AssetSyncRecord[]>;
  update(id: string, changes: AssetSyncChanges): Promise<AssetSyncRecord>;
}

export class SqliteAssetSyncStore implements AssetSyncStore {
  constructor(private readonly database: Database) {}

  async insert(sync: NewAssetSync): Promise<AssetSyncRecord> {
    await this.database.run(
      `INSERT INTO asset_syncs (id, environment_id, seq, trigger, requested_by, status, created_at)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM asset_syncs), ?, ?, ?, ?)`,
      [sync.id, sync.environmentId, sync.trigger, sync.requestedBy, sync.status, sync.createdAt],
    );
    return (await this.get(sync.id))!;
  }

  async get(id: string): Promise<AssetSyncRecord | undefined> {
    const row = await this.database.get(`${select} WHERE a.id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  async page(environmentId: string, limit: number, beforeSeq?: number): Promise<AssetSyncRecord[]> {
    return (await newestFirst(this.database, select, 'a', environmentId, limit, beforeSeq)).map(fromRow);
  }

  async withStatus(statuses: AssetSyncStatus[]): Promise<AssetSyncRecord[]> {
    const rows = await this.database.all(`${select} WHERE a.status IN (${statuses.map(() => '?').join(', ')}) ORDER BY a.seq`, statuses);
    return rows.map(fromRow);
  }

  async update(id: string, changes: AssetSyncChanges): Promise<AssetSyncRecord> {
    const keys = Object.keys(changes) as (keyof AssetSyncChanges)[];
    if (keys.length > 0)
      await this.database.run(`UPDATE asset_syncs SET ${keys.map((key) => `${columnOf[key]} = ?`).join(', ')} WHERE id = ?`, [
        ...keys.map((key) => changes[key] ?? null),
        id,
      ]);
    const updated = await this.get(id);
    if (!updated) throw new Error(`No asset sync ${id}`);
    return updated;
  }
}
