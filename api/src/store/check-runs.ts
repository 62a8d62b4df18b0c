import type { components } from '../../../common/src/api/schema';
import type { Database, Row } from './database';
import { text } from './database';
import { SqlSyncRecords, type SyncFields, syncFields } from './sync-records';

type Schemas = components['schemas'];
export type CheckRunStatus = Schemas['CheckRunStatus'];
export type CheckRunTrigger = 'deployment' | 'manual';
export type VisualResult = Schemas['VisualResult'];
export type PerformanceResult = Schemas['PerformanceResult'];
export type CheckFailure = Schemas['CheckFailure'];
export type CheckBaseline = Schemas['CheckBaseline'];

/** staging.yaml's checks on one deployment of a staging environment. Its log is the log with the same id. */
export interface CheckRunRecord extends SyncFields<CheckRunTrigger, CheckRunStatus> {
  deploymentId: string;
  /** What the pages were compared with; null until the run has chosen. */
  baseline: CheckBaseline | null;
  visual: VisualResult[];
  performance: PerformanceResult[];
  failures: CheckFailure[];
}

function json<T>(row: Row, column: string, empty: T): T {
  const value = row[column];
  return typeof value === 'string' ? (JSON.parse(value) as T) : empty;
}

function fromRow(row: Row): CheckRunRecord {
  return {
    ...syncFields<CheckRunTrigger, CheckRunStatus>(row),
    deploymentId: text(row, 'deployment_id'),
    baseline: json<CheckBaseline | null>(row, 'baseline', null),
    visual: json<VisualResult[]>(row, 'visual', []),
    performance: json<PerformanceResult[]>(row, 'performance', []),
    failures: json<CheckFailure[]>(row, 'failures', []),
  };
}

export type CheckRunChanges = Partial<
  Pick<CheckRunRecord, 'status' | 'reason' | 'baseline' | 'visual' | 'performance' | 'failures' | 'startedAt' | 'completedAt'>
>;
const columnOf: Record<keyof CheckRunChanges, string> = {
  status: 'status',
  reason: 'reason',
  baseline: 'baseline',
  visual: 'visual',
  performance: 'performance',
  failures: 'failures',
  startedAt: 'started_at',
  completedAt: 'completed_at',
};

export type NewCheckRun = Pick<CheckRunRecord, 'id' | 'environmentId' | 'deploymentId' | 'trigger' | 'requestedBy' | 'status' | 'createdAt'>;

/** The run a person accepted as an environment's baseline. */
export interface AcceptedBaseline {
  environmentId: string;
  runId: string;
  acceptedBy: string;
  acceptedAt: string;
}

/** The record of check runs and accepted baselines: the seam another database's store implements. */
export interface CheckRunStore {
  insert(run: NewCheckRun): Promise<CheckRunRecord>;
  get(id: string): Promise<CheckRunRecord | undefined>;
  /** Newest first; `beforeSeq` continues a page. */
  page(environmentId: string, limit: number, beforeSeq?: number): Promise<CheckRunRecord[]>;
  /** This replica's with one of the statuses (and those from before replicas). */
  withStatus(statuses: CheckRunStatus[]): Promise<CheckRunRecord[]>;
  /** Takes over a silent replica's with one of the statuses: each goes to one replica. */
  claim(from: string, statuses: CheckRunStatus[]): Promise<CheckRunRecord[]>;
  update(id: string, changes: CheckRunChanges): Promise<CheckRunRecord>;
  /** The newest finished run of the environment with this status, if any. */
  newest(environmentId: string, status: CheckRunStatus): Promise<CheckRunRecord | undefined>;
  /** The newest run of a deployment, if any. */
  newestOf(deploymentId: string): Promise<CheckRunRecord | undefined>;
  accepted(environmentId: string): Promise<AcceptedBaseline | undefined>;
  accept(baseline: AcceptedBaseline): Promise<void>;
  resetBaseline(environmentId: string): Promise<void>;
}

export class SqlCheckRunStore extends SqlSyncRecords<CheckRunRecord, CheckRunStatus, CheckRunChanges> implements CheckRunStore {
  constructor(
    private readonly db: Database,
    replica: string,
  ) {
    super(db, replica, 'check_runs', fromRow, columnOf, new Set<keyof CheckRunChanges>(['baseline', 'visual', 'performance', 'failures']));
  }

  override async insert(run: NewCheckRun): Promise<CheckRunRecord> {
    await this.db.run(
      `INSERT INTO check_runs (id, environment_id, deployment_id, seq, trigger, requested_by, status, created_at, owner)
       VALUES (?, ?, ?, ${this.database.nextSeq('check_runs')}, ?, ?, ?, ?, ?)`,
      [run.id, run.environmentId, run.deploymentId, run.trigger, run.requestedBy, run.status, run.createdAt, this.replica],
    );
    return (await this.get(run.id))!;
  }

  async newest(environmentId: string, status: CheckRunStatus): Promise<CheckRunRecord | undefined> {
    const row = await this.db.get(
      `SELECT x.*, e.project AS project, e.name AS environment FROM check_runs x JOIN environments e ON e.id = x.environment_id
       WHERE x.environment_id = ? AND x.status = ? ORDER BY x.seq DESC LIMIT 1`,
      [environmentId, status],
    );
    return row ? fromRow(row) : undefined;
  }

  async newestOf(deploymentId: string): Promise<CheckRunRecord | undefined> {
    const row = await this.db.get(
      `SELECT x.*, e.project AS project, e.name AS environment FROM check_runs x JOIN environments e ON e.id = x.environment_id
       WHERE x.deployment_id = ? ORDER BY x.seq DESC LIMIT 1`,
      [deploymentId],
    );
    return row ? fromRow(row) : undefined;
  }

  async accepted(environmentId: string): Promise<AcceptedBaseline | undefined> {
    const row = await this.db.get('SELECT * FROM check_baselines WHERE environment_id = ?', [environmentId]);
    return row ? { environmentId, runId: text(row, 'run_id'), acceptedBy: text(row, 'accepted_by'), acceptedAt: text(row, 'accepted_at') } : undefined;
  }

  async accept(baseline: AcceptedBaseline): Promise<void> {
    await this.db.run(
      `INSERT INTO check_baselines (environment_id, run_id, accepted_by, accepted_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (environment_id) DO UPDATE SET run_id = excluded.run_id, accepted_by = excluded.accepted_by, accepted_at = excluded.accepted_at`,
      [baseline.environmentId, baseline.runId, baseline.acceptedBy, baseline.acceptedAt],
    );
  }

  async resetBaseline(environmentId: string): Promise<void> {
    await this.db.run('DELETE FROM check_baselines WHERE environment_id = ?', [environmentId]);
  }
}
