import { type Database, optionalText, type Row, text } from './database';
import type { EnvironmentRecord, EnvironmentStatus } from './records';
import { now } from './records';

function fromRow(row: Row): EnvironmentRecord {
  return {
    id: text(row, 'id'),
    project: text(row, 'project'),
    name: text(row, 'name'),
    kind: text(row, 'kind') as EnvironmentRecord['kind'],
    status: text(row, 'status') as EnvironmentStatus,
    branch: optionalText(row, 'branch'),
    autoDeploy: Number(row['auto_deploy']) === 1,
    liveDeploymentId: optionalText(row, 'live_deployment_id'),
    resources: JSON.parse(text(row, 'resources')) as EnvironmentRecord['resources'],
    createdAt: text(row, 'created_at'),
    updatedAt: text(row, 'updated_at'),
    lastPushAt: optionalText(row, 'last_push_at'),
    expiresAt: optionalText(row, 'expires_at'),
  };
}

/** What stagingd needs of its environments: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface EnvironmentStore {
  insert(env: EnvironmentRecord): Promise<void>;
  get(project: string, name: string): Promise<EnvironmentRecord | undefined>;
  byId(id: string): Promise<EnvironmentRecord | undefined>;
  list(project: string): Promise<EnvironmentRecord[]>;
  all(): Promise<EnvironmentRecord[]>;
  update(
    id: string,
    changes: Partial<Pick<EnvironmentRecord, 'status' | 'branch' | 'liveDeploymentId' | 'resources' | 'lastPushAt' | 'expiresAt'>>,
  ): Promise<EnvironmentRecord>;
  delete(id: string): Promise<void>;
}

export class SqlEnvironmentStore implements EnvironmentStore {
  constructor(private readonly database: Database) {}

  async insert(env: EnvironmentRecord): Promise<void> {
    await this.database.run(
      `INSERT INTO environments (id, project, name, kind, status, branch, auto_deploy, live_deployment_id, resources, created_at, updated_at, last_push_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        env.id,
        env.project,
        env.name,
        env.kind,
        env.status,
        env.branch,
        env.autoDeploy ? 1 : 0,
        env.liveDeploymentId,
        JSON.stringify(env.resources),
        env.createdAt,
        env.updatedAt,
        env.lastPushAt,
        env.expiresAt,
      ],
    );
  }

  async get(project: string, name: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.database.get('SELECT * FROM environments WHERE project = ? AND name = ?', [project, name]);
    return row ? fromRow(row) : undefined;
  }

  async byId(id: string): Promise<EnvironmentRecord | undefined> {
    const row = await this.database.get('SELECT * FROM environments WHERE id = ?', [id]);
    return row ? fromRow(row) : undefined;
  }

  async list(project: string): Promise<EnvironmentRecord[]> {
    return (await this.database.all(`SELECT * FROM environments WHERE project = ? ORDER BY kind = 'production' DESC, name`, [project])).map(fromRow);
  }

  async all(): Promise<EnvironmentRecord[]> {
    return (await this.database.all('SELECT * FROM environments')).map(fromRow);
  }

  async update(
    id: string,
    changes: Partial<Pick<EnvironmentRecord, 'status' | 'branch' | 'liveDeploymentId' | 'resources' | 'lastPushAt' | 'expiresAt'>>,
  ): Promise<EnvironmentRecord> {
    const columns: Record<string, unknown> = {
      status: changes.status,
      branch: changes.branch,
      live_deployment_id: changes.liveDeploymentId,
      resources: changes.resources === undefined ? undefined : JSON.stringify(changes.resources),
      last_push_at: changes.lastPushAt,
      expires_at: changes.expiresAt,
    };
    const set = Object.entries(columns).filter(([, value]) => value !== undefined);
    await this.database.run(`UPDATE environments SET ${[...set.map(([column]) => `${column} = ?`), 'updated_at = ?'].join(', ')} WHERE id = ?`, [
      ...set.map(([, value]) => value as string | number | null),
      now(),
      id,
    ]);
    const updated = await this.byId(id);
    if (!updated) throw new Error(`environment ${id} vanished during an update`);
    return updated;
  }

  async delete(id: string): Promise<void> {
    await this.database.run('DELETE FROM environments WHERE id = ?', [id]);
  }
}
