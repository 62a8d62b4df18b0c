import type { SecretBox } from '../security/secret-box';
import { type Database, text } from './database';
import { now } from './records';

export interface StoredVariable {
  name: string;
  value: string;
  secret: boolean;
}

/** What stagingd needs of its variables and secrets: the seam another database's store implements (test/api/store-contract.test.ts). */
export interface VariableStore {
  /** Values in the clear, for starting a release. */
  resolved(environmentId: string): Promise<StoredVariable[]>;
  /** Replaces the set; a secret given without a value keeps its sealed value. Returns names that had no value to keep. */
  replace(
    environmentId: string,
    items: {
      name: string;
      value?: string;
      secret: boolean;
    }[],
  ): Promise<string[]>;
  putSecret(project: string, name: string, value: string): Promise<void>;
  deleteSecret(project: string, name: string): Promise<boolean>;
  secretNames(project: string): Promise<
    {
      name: string;
      updated_at: string;
    }[]
  >;
  secretValue(project: string, name: string): Promise<string | undefined>;
}

/** Environment variables and project secrets; secret values are sealed at rest and never listed. */
export class SqlVariableStore implements VariableStore {
  constructor(
    private readonly database: Database,
    private readonly box: SecretBox,
  ) {}

  /** Values in the clear, for starting a release. */
  async resolved(environmentId: string): Promise<StoredVariable[]> {
    const rows = await this.database.all('SELECT name, value, secret FROM variables WHERE environment_id = ? ORDER BY name', [environmentId]);
    return rows.map((row) => {
      const secret = Number(row['secret']) === 1;
      return { name: text(row, 'name'), secret, value: secret ? this.box.open(text(row, 'value')) : text(row, 'value') };
    });
  }

  /** Replaces the set; a secret given without a value keeps its sealed value. Returns names that had no value to keep. */
  async replace(environmentId: string, items: { name: string; value?: string; secret: boolean }[]): Promise<string[]> {
    const existing = new Map(
      (await this.database.all('SELECT name, value, secret FROM variables WHERE environment_id = ?', [environmentId])).map((row) => [text(row, 'name'), row]),
    );
    const missing: string[] = [];
    const statements: { sql: string; args: (string | number)[] }[] = [{ sql: 'DELETE FROM variables WHERE environment_id = ?', args: [environmentId] }];
    for (const item of items) {
      let stored: string;
      if (item.value !== undefined) stored = item.secret ? this.box.seal(item.value) : item.value;
      else {
        const kept = existing.get(item.name);
        if (!kept || Number(kept['secret']) !== 1 || !item.secret) {
          missing.push(item.name);
          continue;
        }
        stored = text(kept, 'value');
      }
      statements.push({
        sql: 'INSERT INTO variables (environment_id, name, value, secret) VALUES (?, ?, ?, ?)',
        args: [environmentId, item.name, stored, item.secret ? 1 : 0],
      });
    }
    if (missing.length === 0) await this.database.batch(statements);
    return missing;
  }

  async putSecret(project: string, name: string, value: string): Promise<void> {
    await this.database.run(
      'INSERT INTO secrets (project, name, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (project, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      [project, name, this.box.seal(value), now()],
    );
  }

  async deleteSecret(project: string, name: string): Promise<boolean> {
    return (await this.database.run('DELETE FROM secrets WHERE project = ? AND name = ?', [project, name])) > 0;
  }

  async secretNames(project: string): Promise<{ name: string; updated_at: string }[]> {
    return (await this.database.all('SELECT name, updated_at FROM secrets WHERE project = ? ORDER BY name', [project])).map((row) => ({
      name: text(row, 'name'),
      updated_at: text(row, 'updated_at'),
    }));
  }

  async secretValue(project: string, name: string): Promise<string | undefined> {
    const row = await this.database.get('SELECT value FROM secrets WHERE project = ? AND name = ?', [project, name]);
    return row ? this.box.open(text(row, 'value')) : undefined;
  }
}
