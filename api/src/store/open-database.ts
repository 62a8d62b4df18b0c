import type { Database } from './database';
import { PostgresDatabase } from './postgres-database';
import { SqliteDatabase } from './sqlite-database';

/** Opens the store: PostgreSQL when `storeUrl` is given (postgres://…), else SQLite in the data directory. */
export function openDatabase(dataDir: string, storeUrl?: string): Promise<Database> {
  return storeUrl !== undefined ? PostgresDatabase.open(storeUrl) : SqliteDatabase.open(dataDir);
}
