import { type Database, newestFirst, optionalText, type Row, text } from './database';

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
export interface DatabaseSyncRecord {
  id: string;
  environmentId: string;
  project: string;
  environment: string;
  seq: number;
  trigger: DatabaseSyncTrigger;
  requestedBy: string;
  status: DatabaseSyncStatus;
  reason: string | null;
  /** When the source's snapshot was taken: the copy is production as it was then. */
  snapshotAt: string | null;
  tables: SyncedTable[];
  /** What the copy left out and why (foreign keys and views on tables not copied). */
  notes: string[];
  unclassified: UnclassifiedColumnRecord[];
  /** The database the copy is made in until it takes over: dropped when a sync ends any other way. */
  workDatabase: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

const select = `SELECT s.*, e.project AS project, e.name AS environment FROM database_syncs s JOIN environments e ON e.id = s.environment_id`;

function fromRow(row: Row): DatabaseSyncRecord {
  return {
    id: text(row, 'id'),
    environmentId: text(row, 'environment_id'),
    project: text(row, 'project'),
    environment: text(row, 'environment'),
    seq: Number(row['seq']),
    trigger: text(row, 'trigger') as DatabaseSyncTrigger,
    requestedBy: text(row, 'requested_by'),
    status: text(row, 'status') as DatabaseSyncStatus,
    reason: optionalText(row, 'reason'),
    snapshotAt: optionalText(row, 'snapshot_at'),
    tables: JSON.parse(text(row, 'tables')) as SyncedTable[],
    notes: JSON.parse(text(row, 'notes')) as string[],
    unclassified: JSON.parse(text(row, 'unclassified')) as UnclassifiedColumnRecord[],
    workDatabase: optionalText(row, 'work_database'),
    createdAt: text(row, 'created_at'),
    startedAt: optionalText(row, 'started_at'),
    completedAt: optionalText(row, 'completed_at'),
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
  withStatus(statuses: DatabaseSyncStatus[]): Promise<DatabaseSyncRecord[]>;
  update(id: string, changes: DatabaseSyncChanges): Promise<DatabaseSyncRecord>;
}

export class SqliteDatabaseSyncStore implements DatabaseSyncStore {
  constructor(private readonly database: Database) {}

  async insert(sync: NewDatabaseSync): Promise<DatabaseSyncRecord> {
    await this.database.run(
      `INSERT INTO database_syncs (id, environment_id, seq, trigger, requested_by, status, created_at)
       VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM database_syncs), ?, ?, ?, ?)`,
      [sync.id, sync.environmentId, sync.trigger, sync.requestedBy, sync.status, sync.createdAt],
    );
    return (await this.get(sync.id))!;
  }

  async get(id: string): Promise<DatabaseSyncRecord | undefined> {
    const row = await this.database.get(`${select} WHERE s.id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  async page(environmentId: string, limit: number, beforeSeq?: number): Promise<DatabaseSyncRecord[]> {
    return (await newestFirst(this.database, select, 's', environmentId, limit, beforeSeq)).map(fromRow);
  }

  async withStatus(statuses: DatabaseSyncStatus[]): Promise<DatabaseSyncRecord[]> {
    const rows = await this.database.all(`${select} WHERE s.status IN (${statuses.map(() => '?').join(', ')}) ORDER BY s.seq`, statuses);
    return rows.map(fromRow);
  }

  async update(id: string, changes: DatabaseSyncChanges): Promise<DatabaseSyncRecord> {
    const keys = Object.keys(changes) as (keyof DatabaseSyncChanges)[];
    if (keys.length > 0) {
      const values = keys.map((key) => (jsonColumns.has(key) ? JSON.stringify(changes[key]) : (changes[key] as string | null)));
      await this.database.run(`UPDATE database_syncs SET ${keys.map((key) => `${columnOf[key]} = ?`).join(', ')} WHERE id = ?`, [...values, id]);
    }
    const updated = await this.get(id);
    if (!updated) throw new Error(`No database sync ${id}`);
    return updated;
  }
}
