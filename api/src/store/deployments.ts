import { claimRows, type Database, optionalNumber, optionalText, type Row, text } from './database';
import type { DeploymentRecord, DeploymentStatus } from './records';

const select = `SELECT d.*, e.project AS project, e.name AS environment FROM deployments d JOIN environments e ON e.id = d.environment_id`;

function fromRow(row: Row): DeploymentRecord {
  return {
    id: text(row, 'id'),
    environmentId: text(row, 'environment_id'),
    project: text(row, 'project'),
    environment: text(row, 'environment'),
    seq: Number(row['seq']),
    ref: text(row, 'ref'),
    commit: optionalText(row, 'commit_sha'),
    status: text(row, 'status') as DeploymentStatus,
    deployedBy: text(row, 'deployed_by'),
    reason: optionalText(row, 'reason'),
    sourceDeploymentId: optionalText(row, 'source_deployment_id'),
    issueKeys: JSON.parse(text(row, 'issue_keys') || '[]') as string[],
    configDiffers: Number(row['config_differs']) === 1,
    releaseDir: optionalText(row, 'release_dir'),
    port: optionalNumber(row, 'port'),
    pid: optionalNumber(row, 'pid'),
    createdAt: text(row, 'created_at'),
    startedAt: optionalText(row, 'started_at'),
    completedAt: optionalText(row, 'completed_at'),
    owner: optionalText(row, 'owner'),
  };
}

type Changes = Partial<Pick<DeploymentRecord, 'commit' | 'status' | 'reason' | 'releaseDir' | 'port' | 'pid' | 'startedAt' | 'completedAt' | 'configDiffers'>>;
const columnOf: Record<keyof Changes, string> = {
  commit: 'commit_sha',
  status: 'status',
  reason: 'reason',
  releaseDir: 'release_dir',
  port: 'port',
  pid: 'pid',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  configDiffers: 'config_differs',
};

/** What stagingd needs of its deployments: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface DeploymentStore {
  insert(deployment: Omit<DeploymentRecord, 'seq' | 'project' | 'environment' | 'configDiffers' | 'owner'>): Promise<DeploymentRecord>;
  get(id: string): Promise<DeploymentRecord | undefined>;
  /** Newest first; `beforeSeq` continues a page. */
  page(environmentId: string, limit: number, beforeSeq?: number): Promise<DeploymentRecord[]>;
  /** This replica's with one of the statuses (and those from before replicas). */
  withStatus(statuses: DeploymentStatus[]): Promise<DeploymentRecord[]>;
  /** Takes over a silent replica's deployments with one of the statuses or live in an environment: each goes to one replica. */
  claim(from: string, statuses: readonly DeploymentStatus[]): Promise<DeploymentRecord[]>;
  update(id: string, changes: Changes): Promise<DeploymentRecord>;
}

export class SqlDeploymentStore implements DeploymentStore {
  /** `replica`: this stagingd, which runs the deployments it inserts. */
  constructor(
    private readonly database: Database,
    private readonly replica: string,
  ) {}

  async insert(deployment: Omit<DeploymentRecord, 'seq' | 'project' | 'environment' | 'configDiffers' | 'owner'>): Promise<DeploymentRecord> {
    // seq orders the history even when two deployments share a timestamp.
    await this.database.run(
      `INSERT INTO deployments (id, environment_id, seq, ref, commit_sha, status, deployed_by, reason, source_deployment_id, issue_keys, release_dir, port, pid, created_at, started_at, completed_at, owner)
       VALUES (?, ?, ${this.database.nextSeq('deployments')}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        deployment.id,
        deployment.environmentId,
        deployment.ref,
        deployment.commit,
        deployment.status,
        deployment.deployedBy,
        deployment.reason,
        deployment.sourceDeploymentId,
        JSON.stringify(deployment.issueKeys),
        deployment.releaseDir,
        deployment.port,
        deployment.pid,
        deployment.createdAt,
        deployment.startedAt,
        deployment.completedAt,
        this.replica,
      ],
    );
    return (await this.get(deployment.id))!;
  }

  async get(id: string): Promise<DeploymentRecord | undefined> {
    const row = await this.database.get(`${select} WHERE d.id = ?`, [id]);
    return row ? fromRow(row) : undefined;
  }

  /** Newest first; `beforeSeq` continues a page. */
  async page(environmentId: string, limit: number, beforeSeq?: number): Promise<DeploymentRecord[]> {
    const rows = await this.database.all(`${select} WHERE d.environment_id = ? AND d.seq < ? ORDER BY d.seq DESC LIMIT ?`, [
      environmentId,
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit,
    ]);
    return rows.map(fromRow);
  }

  async withStatus(statuses: DeploymentStatus[]): Promise<DeploymentRecord[]> {
    const rows = await this.database.all(
      `${select} WHERE d.status IN (${statuses.map(() => '?').join(', ')}) AND (d.owner = ? OR d.owner IS NULL) ORDER BY d.seq`,
      [...statuses, this.replica],
    );
    return rows.map(fromRow);
  }

  async claim(from: string, statuses: readonly DeploymentStatus[]): Promise<DeploymentRecord[]> {
    const ids = await claimRows(
      this.database,
      'deployments',
      this.replica,
      from,
      `status IN (${statuses.map(() => '?').join(', ')}) OR id IN (SELECT live_deployment_id FROM environments WHERE live_deployment_id IS NOT NULL)`,
      [...statuses],
    );
    return (await Promise.all(ids.map((id) => this.get(id)))).filter((deployment) => deployment !== undefined);
  }

  async update(id: string, changes: Changes): Promise<DeploymentRecord> {
    const set = (Object.keys(changes) as (keyof Changes)[]).filter((key) => changes[key] !== undefined);
    if (set.length > 0) {
      await this.database.run(`UPDATE deployments SET ${set.map((key) => `${columnOf[key]} = ?`).join(', ')} WHERE id = ?`, [
        ...set.map((key) => changes[key] ?? null),
        id,
      ]);
    }
    return (await this.get(id))!;
  }
}
