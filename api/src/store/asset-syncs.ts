import type { Database, Row } from './database';
import { SqlSyncRecords, type SyncFields, syncFields } from './sync-records';

export type AssetSyncStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type AssetSyncTrigger = 'created' | 'schedule' | 'manual';

/** One copy of staging.yaml's assets.source into an environment's asset folder. Its log is the log with the same id. */
export interface AssetSyncRecord extends SyncFields<AssetSyncTrigger, AssetSyncStatus> {
  /** How many files the source has (excluded ones left out). */
  files: number;
  /** What this sync wrote: files and their bytes (a file already there with the same content is not written). */
  copied: number;
  bytes: number;
  /** Files `cleanup` deleted from the environment (the source no longer has them). */
  deleted: number;
}

function fromRow(row: Row): AssetSyncRecord {
  return {
    ...syncFields<AssetSyncTrigger, AssetSyncStatus>(row),
    files: Number(row['files']),
    copied: Number(row['copied']),
    bytes: Number(row['bytes']),
    deleted: Number(row['deleted']),
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
  /** This replica's with one of the statuses (and those from before replicas). */
  withStatus(statuses: AssetSyncStatus[]): Promise<AssetSyncRecord[]>;
  /** Takes over a silent replica's with one of the statuses: each goes to one replica. */
  claim(from: string, statuses: AssetSyncStatus[]): Promise<AssetSyncRecord[]>;
  update(id: string, changes: AssetSyncChanges): Promise<AssetSyncRecord>;
}

export class SqlAssetSyncStore extends SqlSyncRecords<AssetSyncRecord, AssetSyncStatus, AssetSyncChanges> implements AssetSyncStore {
  constructor(database: Database, replica: string) {
    super(database, replica, 'asset_syncs', fromRow, columnOf);
  }
}
