/** What a value bound to a `?` placeholder may be (a boolean is stored as 1 or 0). */
export type SqlValue = string | number | bigint | boolean | null;
export type Row = Record<string, unknown>;
export interface Statement {
  sql: string;
  args: SqlValue[];
}

/** What a transaction can do. */
export interface Queries {
  all(sql: string, args?: SqlValue[]): Promise<Row[]>;
  get(sql: string, args?: SqlValue[]): Promise<Row | undefined>;
  /** The number of rows changed. */
  run(sql: string, args?: SqlValue[]): Promise<number>;
}

/**
 * stagingd's state store: SQLite (one file, the embedded default) or PostgreSQL (several replicas share it). Stores
 * write one SQL for both, with `?` placeholders; the few places where the dialects differ ask the database.
 */
export interface Database extends Queries {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs the statements in one transaction: all or none. */
  batch(statements: Statement[]): Promise<void>;
  /** Runs `work` in one transaction, committed when it resolves and rolled back when it throws. */
  transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T>;
  /**
   * What ends a SELECT inside a transaction that claims rows several replicas may reach for at once: each row goes
   * to one of them, and none waits for another (PostgreSQL's FOR UPDATE SKIP LOCKED; SQLite writes one at a time).
   */
  readonly skipLocked: string;
  /** An SQL expression for the next `seq` of a table's rows (unique even when replicas insert at once). */
  nextSeq(table: string): string;
  /** An SQL expression for a top-level field of a JSON text column, as text. */
  jsonField(column: string, field: string): string;
  /** Appends an event to the event log; its id. Ids become visible in order. */
  appendEvent(type: string, data: string, createdAt: string): Promise<number>;
  /**
   * Calls `changed` whenever any replica appended events, when the database is shared between replicas; undefined
   * for an embedded database, where only this process appends. Resolves to a function that stops watching.
   */
  watchEvents?(changed: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
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

/**
 * Moves to replica `to` the rows of `table` that replica `from` owns and `where` picks, each to one replica even when
 * several claim at once; the ids moved.
 */
export function claimRows(database: Database, table: string, to: string, from: string, where: string, args: SqlValue[]): Promise<string[]> {
  return database.transaction(async (tx) => {
    const rows = await tx.all(`SELECT id FROM ${table} WHERE owner = ? AND (${where}) ORDER BY seq${database.skipLocked}`, [from, ...args]);
    const ids = rows.map((row) => text(row, 'id'));
    for (const id of ids) await tx.run(`UPDATE ${table} SET owner = ? WHERE id = ? AND owner = ?`, [to, id, from]);
    return ids;
  });
}

/** Row field readers: the drivers hand back loosely typed values. */
export function text(row: Row, column: string): string {
  return scalar(row[column]);
}

// Values are strings, numbers, bigints or null; a blob is never a text column here.
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
