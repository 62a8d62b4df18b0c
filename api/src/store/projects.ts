import { type Database, type Row, text } from './database';
import type { ProjectRecord } from './records';

function fromRow(row: Row): ProjectRecord {
  return {
    name: text(row, 'name'),
    repository: text(row, 'repository'),
    config: text(row, 'config'),
    configPath: text(row, 'config_path'),
    webhookSecret: text(row, 'webhook_secret'),
    createdAt: text(row, 'created_at'),
  };
}

/** What stagingd needs of its projects: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface ProjectStore {
  insert(project: ProjectRecord): Promise<void>;
  get(name: string): Promise<ProjectRecord | undefined>;
  /** Replaces the registered staging.yaml. */
  updateConfig(name: string, config: string): Promise<ProjectRecord>;
  /** Removes the project; its environments, deployments, secrets and the rest go with it (ON DELETE CASCADE). */
  delete(name: string): Promise<void>;
  list(): Promise<ProjectRecord[]>;
}

export class SqlProjectStore implements ProjectStore {
  constructor(private readonly database: Database) {}

  async insert(project: ProjectRecord): Promise<void> {
    await this.database.run('INSERT INTO projects (name, repository, config, config_path, webhook_secret, created_at) VALUES (?, ?, ?, ?, ?, ?)', [
      project.name,
      project.repository,
      project.config,
      project.configPath,
      project.webhookSecret,
      project.createdAt,
    ]);
  }

  async get(name: string): Promise<ProjectRecord | undefined> {
    const row = await this.database.get('SELECT * FROM projects WHERE name = ?', [name]);
    return row ? fromRow(row) : undefined;
  }

  /** Replaces the registered staging.yaml. */
  async updateConfig(name: string, config: string): Promise<ProjectRecord> {
    await this.database.run('UPDATE projects SET config = ? WHERE name = ?', [config, name]);
    const updated = await this.get(name);
    if (!updated) throw new Error(`project ${name} vanished during an update`);
    return updated;
  }

  /** Removes the project; its environments, deployments, secrets and the rest go with it (ON DELETE CASCADE). */
  async delete(name: string): Promise<void> {
    await this.database.run('DELETE FROM projects WHERE name = ?', [name]);
  }

  async list(): Promise<ProjectRecord[]> {
    return (await this.database.all('SELECT * FROM projects ORDER BY name')).map(fromRow);
  }
}
