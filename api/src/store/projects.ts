import { type Database, type Row, text } from './database';
import type { ProjectRecord } from './records';

function fromRow(row: Row): ProjectRecord {
  return {
    name: text(row, 'name'),
    repository: text(row, 'repository'),
    config: text(row, 'config'),
    webhookSecret: text(row, 'webhook_secret'),
    createdAt: text(row, 'created_at'),
  };
}

export class ProjectStore {
  constructor(private readonly database: Database) {}

  async insert(project: ProjectRecord): Promise<void> {
    await this.database.run('INSERT INTO projects (name, repository, config, webhook_secret, created_at) VALUES (?, ?, ?, ?, ?)', [
      project.name,
      project.repository,
      project.config,
      project.webhookSecret,
      project.createdAt,
    ]);
  }

  async get(name: string): Promise<ProjectRecord | undefined> {
    const row = await this.database.get('SELECT * FROM projects WHERE name = ?', [name]);
    return row ? fromRow(row) : undefined;
  }

  async list(): Promise<ProjectRecord[]> {
    return (await this.database.all('SELECT * FROM projects ORDER BY name')).map(fromRow);
  }
}
