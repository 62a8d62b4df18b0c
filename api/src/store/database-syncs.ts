import { type Database, optionalText, type Row, text } from './database';
import { SqlSyncRecords, type SyncFields, syncFields } from './sync-records';

export type DatabaseSyncStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type DatabaseSyncTrigger = 'created' | 'schedule' | 'manual';

export interface SyncedTable {
  table: string;
  rows: number;
  bytes: number;
  anonymized: string[];
}

/** A column strict mode refused a sync for. */
export interface UnclassifiedColumnRecord {
  table: string;
  column: string;
  kind: string;
  reason: string;
  suggested: string;
}

/** One copy of production's database into an environment's. Its log is the log with the same id. */
export interface DatabaseSyncRecord extends SyncFields<DatabaseSyncTrigger, DatabaseSyncStatus> {
  /** When the source's snapshot was taken: the copy is production as it was then. */
  snapshotAt: string | null;
  tables: SyncedTable[];
  /** What the copy left out and why (foreign keys and views on tables not copied). */
  notes: string[];
  unclassified: UnclassifiedColumnRecord[];
  /** The database the copy is made in until it takes over: dropped when a sync ends any other way. */
  workDatabase: string | null;
}

function fromRow(row: Row): DatabaseSyncRecord {
  return {
    ...syncFields<DatabaseSyncTrigger, DatabaseSyncStatus>(row),
    snapshotAt: optionalText(row, 'snapshot_at'),
    tables: JSON.parse(text(row, 'tables')) as SyncedTable[],
    notes: JSON.parse(text(row, 'notes')) as string[],
    unclassified: JSON.parse(text(row, 'unclassified')) as UnclassifiedColumnRecord[],
    workDatabase: optionalText(row, 'work_database'),
  };
}

export type DatabaseSyncChanges = Partial<
  Pick<DatabaseSyncRecord, 'status' | 'reason' | 'snapshotAt' | 'tables' | 'notes' | 'unclassified' | 'workDatabase' | 'startedAt' | 'completedAt'>
>;
const columnOf: Record<keyof DatabaseSyncChanges, string> = {
  status: 'status',
  reason: 'reason',
  snapshotAt: 'snapshot_at',
  tables: 'tables',
  notes: 'notes',
  unclassified: 'unclassified',
  workDatabase: 'work_database',
  startedAt: 'started_at',
  completedAt: 'completed_at',
};
const jsonColumns = new Set<keyof DatabaseSyncChanges>(['tables', 'notes', 'unclassified']);

export type NewDatabaseSync = Pick<DatabaseSyncRecord, 'id' | 'environmentId' | 'trigger' | 'requestedBy' | 'status' | 'createdAt'>;

/** The record of database syncs: the seam another database's store implements. */
export interface DatabaseSyncStore {
  insert(sync: NewDatabaseSync): Promise<DatabaseSyncRecord>;
  get(id: string): Promise<DatabaseSyncRecord | undefined>;
  /** Newest first; `beforeSeq` continues a page. */
  page(environmentId: string, limit: number, beforeSeq?: number): Promise<DatabaseSyncRecord[]>;
  /** This replica's with one of the statuses (and those from before replicas). */
  withStatus(statuses: DatabaseSyncStatus[]): Promise<DatabaseSyncRecord[]>;
  /** Takes over a silent replica's with one of the statuses: each goes to one replica. */
  claim(from: string, statuses: DatabaseSyncStatus[]): Promise<DatabaseSyncRecord[]>;
  update(id: string, changes: DatabaseSyncChanges): Promise<DatabaseSyncRecord>;
  /** The work databases of the syncs under way, whichever replica runs them. */
  workDatabasesInUse(): Promise<string[]>;
}

export class SqlDatabaseSyncStore extends SqlSyncRecords<DatabaseSyncRecord, DatabaseSyncStatus, DatabaseSyncChanges> implements DatabaseSyncStore {
  constructor(database: Database, replica: string) {
    super(database, replica, 'database_syncs', fromRow, columnOf, jsonColumns);
  }

  async workDatabasesInUse(): Promise<string[]> {
    const rows = await this.database.all(`SELECT work_database FROM database_syncs WHERE status IN ('queued', 'running') AND work_database IS NOT NULL`);
    return rows.map((row) => text(row, 'work_database'));
  }
}
