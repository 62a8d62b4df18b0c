import { Client, Pool, type PoolClient, types } from 'pg';
import type { Database, Queries, Row, SqlValue, Statement } from './database';
import { migrations } from './migrations';

// Advisory lock keys: one for migrating (replicas starting at once migrate once), one for appending events.
const MIGRATION_LOCK = 7_140_001;
const EVENT_LOCK = 7_140_002;
const EVENT_CHANNEL = 'stagingd_events';

// COUNT and BIGINT columns arrive as strings by default; every number stagingd keeps is far below 2^53.
const BIGINT_OID = 20;
const NUMERIC_OID = 1700;
function typeParser(oid: number, format?: 'text' | 'binary'): unknown {
  if (oid === BIGINT_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
  return format === 'binary' ? types.getTypeParser(oid, 'binary') : types.getTypeParser(oid, 'text');
}
const parsers = { getTypeParser: typeParser as typeof types.getTypeParser };

/**
 * The shared store: PostgreSQL, for several stagingd replicas. The SQL is the stores' own with `?` turned into
 * `$n`; migrations are SQLite's DDL with its types widened (INTEGER is 64-bit in SQLite). Events are appended one
 * at a time under an advisory lock, so ids commit in order and a replica that read up to id n has seen all before
 * it; NOTIFY tells the other replicas.
 */
export class PostgresDatabase implements Database {
  readonly dialect = 'postgres';
  readonly skipLocked = ' FOR UPDATE SKIP LOCKED';
  private readonly translated = new Map<string, string>();

  private constructor(
    private readonly pool: Pool,
    private readonly url: string,
  ) {}

  static async open(url: string): Promise<PostgresDatabase> {
    const pool = new Pool({ connectionString: url, max: 10, types: parsers });
    // An idle client's lost connection is reported here; the next query gets a new one.
    pool.on('error', () => undefined);
    const database = new PostgresDatabase(pool, url);
    try {
      await database.migrate();
    } catch (error) {
      await pool.end();
      throw new Error(`--store: PostgreSQL at ${redacted(url)}: ${(error as Error).message}`, { cause: error });
    }
    return database;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => Number(row.version)));
      for (const migration of migrations) {
        if (applied.has(migration.version)) continue;
        await inTransaction(client, async () => {
          for (const sql of migration.statements) await client.query(widened(sql));
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            new Date().toISOString(),
          ]);
        });
      }
      await this.ensureSequences(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      client.release();
    }
  }

  /** A sequence per table with a `seq` column (nextSeq), started past the rows already there. */
  private async ensureSequences(client: PoolClient): Promise<void> {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'seq'`,
    );
    for (const { table_name: table } of tables.rows) {
      await client.query(`CREATE SEQUENCE IF NOT EXISTS ${sequenceOf(table)}`);
      const max = (await client.query<{ max: number | null }>(`SELECT MAX(seq) AS max FROM ${table}`)).rows[0]?.max;
      if (max !== null && max !== undefined)
        await client.query(`SELECT setval($1, GREATEST($2::bigint, (SELECT last_value FROM ${sequenceOf(table)})))`, [sequenceOf(table), max]);
    }
  }

  async all(sql: string, args: SqlValue[] = []): Promise<Row[]> {
    return (await this.pool.query(this.placeholders(sql), bound(args))).rows as Row[];
  }

  async get(sql: string, args: SqlValue[] = []): Promise<Row | undefined> {
    return (await this.all(sql, args))[0];
  }

  async run(sql: string, args: SqlValue[] = []): Promise<number> {
    return (await this.pool.query(this.placeholders(sql), bound(args))).rowCount ?? 0;
  }

  async batch(statements: Statement[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await inTransaction(client, async () => {
        for (const statement of statements) await client.query(this.placeholders(statement.sql), bound(statement.args));
      });
    } finally {
      client.release();
    }
  }

  async transaction<T>(work: (tx: Queries) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const all = async (sql: string, args: SqlValue[] = []): Promise<Row[]> => (await client.query(this.placeholders(sql), bound(args))).rows as Row[];
      return await inTransaction(client, () =>
        work({
          all,
          get: async (sql, args) => (await all(sql, args))[0],
          run: async (sql, args = []) => (await client.query(this.placeholders(sql), bound(args))).rowCount ?? 0,
        }),
      );
    } finally {
      client.release();
    }
  }

  nextSeq(table: string): string {
    return `nextval('${sequenceOf(table)}')`;
  }

  jsonField(column: string, field: string): string {
    return `(${column}::jsonb ->> '${field}')`;
  }

  async appendEvent(type: string, data: string, createdAt: string): Promise<number> {
    const client = await this.pool.connect();
    try {
      return await inTransaction(client, async () => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOCK]);
        const inserted = await client.query<{ id: number }>('INSERT INTO events (type, data, created_at) VALUES ($1, $2, $3) RETURNING id', [
          type,
          data,
          createdAt,
        ]);
        const id = Number(inserted.rows[0]!.id);
        // Delivered at commit, to every replica listening (this one included).
        await client.query('SELECT pg_notify($1, $2)', [EVENT_CHANNEL, String(id)]);
        return id;
      });
    } finally {
      client.release();
    }
  }

  /** LISTENs on a connection of its own, reconnecting when it drops (and saying so, since events may have come meanwhile). */
  async watchEvents(changed: () => void): Promise<() => Promise<void>> {
    let stopped = false;
    let client: Client | undefined;
    const connect = async (): Promise<void> => {
      const listener = new Client({ connectionString: this.url, types: parsers });
      listener.on('notification', () => changed());
      listener.on('error', () => undefined);
      listener.on('end', () => {
        if (stopped) return;
        setTimeout(() => void connect().then(changed, () => listener.emit('end')), 500).unref();
      });
      await listener.connect();
      await listener.query(`LISTEN ${EVENT_CHANNEL}`);
      client = listener;
    };
    await connect();
    return async () => {
      stopped = true;
      await client?.end().catch(() => undefined);
    };
  }

  /** `?` placeholders as `$1, $2, …`, skipping quoted text. */
  private placeholders(sql: string): string {
    let result = this.translated.get(sql);
    if (result === undefined) {
      let n = 0;
      result = sql.replace(/'(?:[^']|'')*'|\?/g, (match) => (match === '?' ? `$${++n}` : match));
      this.translated.set(sql, result);
    }
    return result;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function inTransaction<T>(client: PoolClient | Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** SQLite's DDL for PostgreSQL: its INTEGER is 64-bit and its REAL a double; AUTOINCREMENT is a sequence. */
function widened(ddl: string): string {
  return ddl
    .replace(/INTEGER PRIMARY KEY AUTOINCREMENT/g, 'BIGSERIAL PRIMARY KEY')
    .replace(/\bINTEGER\b/g, 'BIGINT')
    .replace(/\bREAL\b/g, 'DOUBLE PRECISION');
}

// Columns SQLite calls booleans are integers here too.
function bound(args: SqlValue[]): unknown[] {
  return args.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}

function sequenceOf(table: string): string {
  return `${table}_seq_numbers`;
}

/** The URL without its password, for messages. */
function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the given URL';
  }
}
