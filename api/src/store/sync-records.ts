import { claimRows, type Database, newestFirst, optionalText, type Row, text } from './database';

/** What a new sync record (of a database or of assets) holds: every sync table has these columns. */
export interface NewSync {
  id: string;
  environmentId: string;
  trigger: string;
  requestedBy: string;
  status: string;
  createdAt: string;
}

/** What every sync record (of a database, of assets) holds, whatever it copies. */
export interface SyncFields<Trigger extends string, Status extends string> {
  id: string;
  environmentId: string;
  project: string;
  environment: string;
  seq: number;
  trigger: Trigger;
  requestedBy: string;
  status: Status;
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
}

/** The fields every sync table has, from its row (read with the environment's project and name). */
export function syncFields<Trigger extends string, Status extends string>(row: Row): SyncFields<Trigger, Status> {
  return {
    id: text(row, 'id'),
    environmentId: text(row, 'environment_id'),
    project: text(row, 'project'),
    environment: text(row, 'environment'),
    seq: Number(row['seq']),
    trigger: text(row, 'trigger') as Trigger,
    requestedBy: text(row, 'requested_by'),
    status: text(row, 'status') as Status,
    reason: optionalText(row, 'reason'),
    createdAt: text(row, 'created_at'),
    startedAt: optionalText(row, 'started_at'),
    completedAt: optionalText(row, 'completed_at'),
  };
}

/** Those fields as the API shows them (snake_case), for the presenters of both kinds. */
export function presentSyncFields<Trigger extends string, Status extends string>(sync: SyncFields<Trigger, Status>) {
  return {
    id: sync.id,
    project: sync.project,
    environment: sync.environment,
    trigger: sync.trigger,
    requested_by: sync.requestedBy,
    status: sync.status,
    reason: sync.reason,
    created_at: sync.createdAt,
    started_at: sync.startedAt,
    completed_at: sync.completedAt,
  };
}

/**
 * The records of one kind of sync (database_syncs, asset_syncs): numbered per stagingd, each of one environment,
 * read with the environment's project and name. `columnOf` maps each changeable field to its column; the fields in
 * `json` are stored as JSON.
 */
export class SqlSyncRecords<Record_, Status extends string, Changes extends object> {
  private readonly select: string;

  constructor(
    protected readonly database: Database,
    /** This stagingd, which runs the syncs it inserts. */
    protected readonly replica: string,
    private readonly table: string,
    private readonly fromRow: (row: Row) => Record_,
    private readonly columnOf: Record<keyof Changes, string>,
    private readonly json: ReadonlySet<keyof Changes> = new Set(),
  ) {
    this.select = `SELECT x.*, e.project AS project, e.name AS environment FROM ${table} x JOIN environments e ON e.id = x.environment_id`;
  }

  async insert(sync: NewSync): Promise<Record_> {
    await this.database.run(
      `INSERT INTO ${this.table} (id, environment_id, seq, trigger, requested_by, status, created_at, owner)
       VALUES (?, ?, ${this.database.nextSeq(this.table)}, ?, ?, ?, ?, ?)`,
      [sync.id, sync.environmentId, sync.trigger, sync.requestedBy, sync.status, sync.createdAt, this.replica],
    );
    return (await this.get(sync.id))!;
  }

  async get(id: string): Promise<Record_ | undefined> {
    const row = await this.database.get(`${this.select} WHERE x.id = ?`, [id]);
    return row ? this.fromRow(row) : undefined;
  }

  /** Newest first; `beforeSeq` continues a page. */
  async page(environmentId: string, limit: number, beforeSeq?: number): Promise<Record_[]> {
    return (await newestFirst(this.database, this.select, 'x', environmentId, limit, beforeSeq)).map(this.fromRow);
  }

  /** This replica's records with one of the statuses (and those from before replicas). */
  async withStatus(statuses: Status[]): Promise<Record_[]> {
    const rows = await this.database.all(
      `${this.select} WHERE x.status IN (${statuses.map(() => '?').join(', ')}) AND (x.owner = ? OR x.owner IS NULL) ORDER BY x.seq`,
      [...statuses, this.replica],
    );
    return rows.map(this.fromRow);
  }

  /** Takes over, for this replica, the records of a silent one with one of the statuses: each goes to one replica. */
  async claim(from: string, statuses: Status[]): Promise<Record_[]> {
    const ids = await claimRows(this.database, this.table, this.replica, from, `status IN (${statuses.map(() => '?').join(', ')})`, statuses);
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((record) => record !== undefined);
  }

  async update(id: string, changes: Changes): Promise<Record_> {
    const keys = Object.keys(changes) as (keyof Changes)[];
    if (keys.length > 0) {
      const values = keys.map((key) => (this.json.has(key) ? JSON.stringify(changes[key]) : ((changes[key] ?? null) as string | number | null)));
      await this.database.run(`UPDATE ${this.table} SET ${keys.map((key) => `${this.columnOf[key]} = ?`).join(', ')} WHERE id = ?`, [...values, id]);
    }
    const updated = await this.get(id);
    if (!updated) throw new Error(`No ${this.table} row ${id}`);
    return updated;
  }
}
