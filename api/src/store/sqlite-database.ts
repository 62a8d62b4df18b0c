import type * as libsql from '@libsql/client' with { 'resolution-mode': 'import' };
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Database, Queries, Row, SqlValue, Statement } from './database';
import { migrations } from './migrations';

// @libsql/client ships CommonJS at run time but declares its types only for ESM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('@libsql/client') as typeof libsql;

/**
 * The embedded store: one SQLite file (libSQL) in the data directory, migrated at open. Only one stagingd opens it.
 * Everything goes through one connection, the one the pragmas were set on: a statement that comes while a
 * transaction holds it waits for the transaction (libSQL would refuse it). The wait is checked in the same turn as the
 * statement starts, with no await between, so a transaction never slips in between the two.
 */
export class SqliteDatabase implements Database {
  readonly dialect = 'sqlite';
  readonly skipLocked = '';
  // Settles when the open transaction (if any) ends; transactions queue behind each other on it.
  private transactions: Promise<unknown> = Promise.resolve();
  private inTransaction = false;

  private constructor(private readonly client: libsql.Client) {}

  static async open(dataDir: string): Promise<SqliteDatabase> {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // One connection, so that the pragmas below hold for every statement.
    const client = createClient({ url: `file:${path.join(dataDir, 'stagingd.db')}`, concurrency: 1 });
    const database = new SqliteDatabase(client);
    // WAL keeps readers off the writer's back; foreign keys make deletes cascade.
    await client.execute('PRAGMA journal_mode = WAL');
    await client.execute('PRAGMA foreign_keys = ON');
    await client.execute('PRAGMA busy_timeout = 5000');
    await database.migrate();
    return database;
  }

  private async migrate(): Promise<void> {
    await this.client.execute('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set((await this.all('SELECT version FROM schema_migrations')).map((row) => Number(row['version'])));
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await this.batch([
        ...migration.statements.map((sql) => ({ sql, args: [] })),
        {
          sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
          args: [migration.version, migration.name, new Date().toISOString()],
        },
      ]);
    }
  }

  async all(sql: string, args: SqlValue[] = []): Promise<Row[]> {
    while (this.inTransaction) await this.transactions;
    return (await this.client.execute({ sql, args })).rows;
  }

  async get(sql: string, args: SqlValue[] = []): Promise<Row | undefined> {
    return (await this.all(sql, args))[0];
  }

  async run(sql: string, args: SqlValue[] = []): Promise<number> {
    while (this.inTransaction) await this.transactions;
    return (await this.client.execute({ sql, args })).rowsAffected;
  }

  async batch(statements: Statement[]): Promise<void> {
    while (this.inTransaction) await this.transactions;
    await this.client.batch(statements, 'write');
  }

  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    // Behind the transaction before it. A statement already under way keeps the connection until it ends (libSQL
    // queues the transaction); those that come later see inTransaction and wait.
    const result = this.transactions.then(async () => {
      this.inTransaction = true;
      try {
        return await this.inOneTransaction(work);
      } finally {
        this.inTransaction = false;
      }
    });
    this.transactions = result.catch(() => undefined);
    return result;
  }

  private async inOneTransaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    const tx = await this.client.transaction('write');
    try {
      const queries: Queries = {
        all: async (sql, args = []) => (await tx.execute({ sql, args })).rows,
        get: async (sql, args = []) => (await tx.execute({ sql, args })).rows[0],
        run: async (sql, args = []) => (await tx.execute({ sql, args })).rowsAffected,
      };
      const result = await work(queries);
      await tx.commit();
      return result;
    } catch (error) {
      await tx.rollback().catch(() => undefined);
      throw error;
    } finally {
      tx.close();
    }
  }

  // Writes are serialized by SQLite itself, so the next number is simply one past the largest.
  nextSeq(table: string): string {
    return `(SELECT COALESCE(MAX(seq), 0) + 1 FROM ${table})`;
  }

  jsonField(column: string, field: string): string {
    return `json_extract(${column}, '$.${field}')`;
  }

  async appendEvent(type: string, data: string, createdAt: string): Promise<number> {
    while (this.inTransaction) await this.transactions;
    const result = await this.client.execute({ sql: 'INSERT INTO events (type, data, created_at) VALUES (?, ?, ?)', args: [type, data, createdAt] });
    return Number(result.lastInsertRowid);
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }
}
