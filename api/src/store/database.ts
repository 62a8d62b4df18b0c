import type * as libsql from '@libsql/client' with { 'resolution-mode': 'import' };
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { migrations } from './migrations';

// @libsql/client ships CommonJS at run time but declares its types only for ESM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('@libsql/client') as typeof libsql;
type Client = libsql.Client;
type InArgs = libsql.InArgs;
export type Row = libsql.Row;

/** The embedded store: one SQLite file (libSQL) in the data directory, migrated at open. */
export class Database {
  private constructor(readonly client: Client) {}

  static async open(dataDir: string): Promise<Database> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const client = createClient({ url: `file:${path.join(dataDir, 'stagingd.db')}` });
    const database = new Database(client);
    // WAL keeps readers off the writer's back; foreign keys make deletes cascade.
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA foreign_keys = ON');
    await client.execute('PRAGMA busy_timeout = 5000');
    await database.migrate();
    return database;
  }

  async migrate(): Promise<void> {
    await this.client.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((await this.client.execute('SELECT version FROM schema_migrations')).rows.map((row) => Number(row['version'])));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await this.client.batch(
        [
          ...migration.statements,
          {
            sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
            args: [migration.version, migration.name, new Date().toISOString()],
          },
        ],
        'write',
      );
    }
  }

  async all(sql: string, args: InArgs = []): Promise<Row[]> {
    return (await this.client.execute({ sql, args })).rows;
  }

  async get(sql: string, args: InArgs = []): Promise<Row | undefined> {
    return (await this.client.execute({ sql, args })).rows[0];
  }

  async run(sql: string, args: InArgs = []): Promise<number> {
    return (await this.client.execute({ sql, args })).rowsAffected;
  }

  close(): void {
    this.client.close();
  }
}

/**
 * One environment's rows newest first by `seq`, `beforeSeq` continuing a page: `select` reads one table under the
 * alias `alias`, joined as it likes.
 */
export function newestFirst(database: Database, select: string, alias: string, environmentId: string, limit: number, beforeSeq?: number): Promise<Row[]> {
  return database.all(
    `${select} WHERE ${alias}.environment_id = ? ${beforeSeq === undefined ? '' : `AND ${alias}.seq < ?`} ORDER BY ${alias}.seq DESC LIMIT ?`,
    beforeSeq === undefined ? [environmentId, limit] : [environmentId, beforeSeq, limit],
  );
}

/** Row field readers: SQLite hands back loosely typed values. */
export function text(row: Row, column: string): string {
  return scalar(row[column]);
}

// SQLite values are strings, numbers, bigints, blobs or null; a blob is never a text column here.
function scalar(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? value.toString() : '';
}

export function optionalText(row: Row, column: string): string | null {
  const value = row[column];
  return value === null || value === undefined ? null : scalar(value);
}

export function optionalNumber(row: Row, column: string): number | null {
  const value = row[column];
  return value === null || value === undefined ? null : Number(value);
}
