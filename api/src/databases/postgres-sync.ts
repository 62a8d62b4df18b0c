import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Client, ClientBase } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DatabaseConfig } from '../../../common/src/config/model';
import { CopyRowTransform } from './copy-text';
import type { RewritePool } from './rewrite-pool';
import type { RewriteRule } from './row-rewrite';
import { planCopy, SyncRefused, type TablePlan } from './copy-plan';
import { foreignKeysToExcluded, readTables, sampleValues, sequencePositions, viewsOnExcluded } from './postgres-catalog';
import { quote, selectTables } from './source-tables';
import type { PostgresDatabases } from './postgres-databases';
import { connectionOf, cutConnection, newClient, runTool, type Connection } from './postgres-tools';

export interface TableCopied {
  table: string;
  rows: number;
  bytes: number;
  /** The columns whose values were replaced on the way (every rule but `keep`). */
  anonymized: string[];
}

export interface SyncOutcome {
  /** When the source's snapshot was taken: every row copied is as it was then. */
  snapshotAt: string;
  tables: TableCopied[];
  /** What the copy leaves out, with why: foreign keys and views on excluded tables. */
  notes: string[];
}

export interface PostgresSyncJob {
  /** production's database URL (never logged: it holds its password). */
  sourceUrl: string;
  databases: PostgresDatabases;
  project: string;
  environment: string;
  config: DatabaseConfig;
  /** The threads that anonymise rows (with the project's key). */
  rewriter: RewritePool;
  /** pg_dump and pg_restore live here. */
  bin: string;
  /** A folder for the schema dump (no rows ever go to disk). */
  workDir: string;
  /** The name of the database the copy is made in: kept in the sync's record so a stagingd killed mid-sync drops it when it starts again. */
  workDatabase: string;
  log(line: string): void;
  signal: AbortSignal;
  /** Tables copied at once (default 4). */
  parallel?: number;
}

/** A name for the database a sync builds its copy in. */
export function workDatabaseName(): string {
  return `stg_sync_${randomBytes(8).toString('hex')}`;
}

/**
 * Copies production's database into an environment's: one read-only repeatable-read snapshot of the source; its schema
 * (pg_dump, without the tables left out) made in a fresh database; the rows of each table streamed with COPY, the
 * anonymised columns rewritten on the way; the indexes and constraints after the rows; the sequences set; then the
 * fresh database takes the environment's database's name in one transaction. Until that moment the environment's
 * previous data serves, untouched, whatever happens to the sync (a failure, a cancel, kill -9).
 */
export async function syncPostgres(job: PostgresSyncJob): Promise<SyncOutcome> {
  let source: Connection;
  try {
    source = connectionOf(job.sourceUrl);
  } catch (error) {
    throw new Error(`The source database's URL ${(error as Error).message}.`);
  }
  const snapshot = await openSnapshot(job.sourceUrl);
  const dir = mkdtempSync(path.join(job.workDir, 'sync-'));
  try {
    const { client, id, takenAt } = snapshot;
    job.log(`snapshot of the source taken at ${takenAt}`);
    const selection = selectTables(await readTables(client), job.config.tables);
    if (selection.unknown.length > 0)
      throw new SyncRefused(`staging.yaml's database.tables names tables the source does not have: ${selection.unknown.join(', ')}.`);
    const plans = await planCopy(
      (table, columns) => sampleValues(client, table, columns),
      selection.selected,
      [...selection.selected, ...selection.excluded],
      job.config,
    );
    const foreignKeys = await foreignKeysToExcluded(client, selection.selected, selection.excluded);
    const views = await viewsOnExcluded(client, selection.excluded);
    const notes = [
      ...foreignKeys.map(
        (key) =>
          `foreign key ${key.name} of ${key.schema}.${key.table} points at ${key.references}, which is not copied: the constraint is left out, its values are kept`,
      ),
      ...views.map((view) => `view ${view.schema}.${view.name} reads a table that is not copied: it is left out`),
    ];
    for (const note of notes) job.log(note);
    job.log(`copying ${plans.length} table${plans.length === 1 ? '' : 's'} into a fresh database`);

    const target = await job.databases.createWorkDatabase(job.project, job.environment, job.workDatabase);
    const dump = path.join(dir, 'schema.dump');
    const exclude = selection.excluded.flatMap((table) => ['--exclude-table', table.sql]);
    await runTool(job.bin, 'pg_dump', ['--schema-only', '--format=custom', `--snapshot=${id}`, '--file', dump, ...exclude], source, job.signal);
    const list = path.join(dir, 'schema.list');
    // The restore list without what the copy leaves out (entries as `pg_restore --list` names them).
    const left = [
      ...foreignKeys.map((key) => `FK CONSTRAINT ${key.schema} ${key.table} ${key.name} `),
      ...views.flatMap((view) => [` ${view.schema} ${view.name} `, `COMMENT ${view.schema} VIEW ${view.name} `]),
    ];
    const toc = await runTool(job.bin, 'pg_restore', ['--list', dump], source, job.signal);
    writeFileSync(
      list,
      toc
        .split('\n')
        .filter((line) => !left.some((entry) => line.includes(entry)))
        .join('\n'),
    );
    const restore = (section: string, jobs = 1): Promise<string> =>
      runTool(
        job.bin,
        'pg_restore',
        [
          '--section',
          section,
          ...(jobs > 1 ? ['--jobs', String(jobs)] : []),
          '--use-list',
          list,
          '--no-owner',
          '--no-privileges',
          '--exit-on-error',
          ...(target.role ? ['--role', target.role] : []),
          '--dbname',
          target.database,
          dump,
        ],
        target,
        job.signal,
      );
    await restore('pre-data');
    // Read now: the snapshot's session then sits idle in its transaction while the rows copy, which a server may end.
    const sequences = await sequencePositions(client);

    const tables = await copyTables(job, snapshot, target, plans);
    job.log('making indexes and constraints');
    // Each index and constraint is a job of its own: as many at once as the machine has CPUs (up to 4).
    await restore('post-data', Math.min(4, availableParallelism()));
    await setSequences(sequences, target);
    job.signal.throwIfAborted();
    await job.databases.switchTo(job.project, job.environment, job.workDatabase);
    job.log('the copy is now the environment\u2019s database');
    return { snapshotAt: takenAt, tables, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await snapshot.close();
  }
}

interface Snapshot {
  client: Client;
  id: string;
  takenAt: string;
  close(): Promise<void>;
}

async function connect(url: string): Promise<Client> {
  const client = newClient({ connectionString: url, application_name: 'stagingd sync', connectionTimeoutMillis: 15_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    // pg's message names the host, the user or the cause, never the password.
    throw new Error(`The source database could not be reached: ${(error as Error).message}`);
  }
  return client;
}

/** One read-only repeatable-read transaction on the source, its snapshot exported for pg_dump and the other readers. */
async function openSnapshot(url: string): Promise<Snapshot> {
  const client = await connect(url);
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ id: string; taken_at: Date }>('SELECT pg_export_snapshot() AS id, clock_timestamp() AS taken_at');
    return { client, id: rows[0]!.id, takenAt: rows[0]!.taken_at.toISOString(), close: () => client.end().catch(() => undefined) };
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

async function readerOn(url: string, snapshot: Snapshot): Promise<Client> {
  const client = await connect(url);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  await client.query(`SET TRANSACTION SNAPSHOT '${snapshot.id.replace(/'/g, "''")}'`);
  return client;
}

function clientOf(target: Connection): Client {
  const { host, port, database, user, password } = target;
  return newClient({ host, port, database, user, password, application_name: 'stagingd sync', connectionTimeoutMillis: 15_000 });
}

/** Connects, acting as the target's role when it names one: the rows and objects made are that role's. */
async function connectAs(client: Client, target: Connection): Promise<void> {
  await client.connect();
  if (target.role) await client.query(`SET ROLE ${client.escapeIdentifier(target.role)}`);
}

/**
 * Copies the tables, `parallel` at a time. The first failure (or a cancel) cuts every copy's connections, so none is
 * left waiting (on a lock, a slow server); all have ended before this rejects, so the work database can be dropped.
 */
async function copyTables(job: PostgresSyncJob, snapshot: Snapshot, target: Connection, plans: TablePlan[]): Promise<TableCopied[]> {
  const queue = plans.filter((plan) => !plan.table.partitioned);
  const results: TableCopied[] = [];
  const stop = new AbortController();
  const onCancel = (): void => stop.abort(job.signal.reason);
  job.signal.addEventListener('abort', onCancel, { once: true });
  const worker = async (): Promise<void> => {
    const clients: Client[] = [];
    const cut = (): void => clients.forEach(cutConnection);
    stop.signal.addEventListener('abort', cut, { once: true });
    try {
      clients.push(await readerOn(job.sourceUrl, snapshot));
      const writer = clientOf(target);
      clients.push(writer);
      await connectAs(writer, target);
      // A lock nobody releases fails the copy instead of holding it forever.
      await writer.query("SET lock_timeout = '30s'");
      for (let plan = queue.shift(); plan; plan = queue.shift()) {
        stop.signal.throwIfAborted();
        results.push(await copyTable(clients[0]!, writer, plan, { ...job, signal: stop.signal }));
      }
    } catch (error) {
      stop.abort(error);
      throw error;
    } finally {
      stop.signal.removeEventListener('abort', cut);
      await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    }
  };
  try {
    const outcomes = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(job.parallel ?? 4, queue.length)) }, worker));
    job.signal.throwIfAborted();
    // The first failure, not what cutting the other copies' connections made of them.
    if (stop.signal.aborted) throw stop.signal.reason;
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    job.signal.removeEventListener('abort', onCancel);
  }
  return results.sort((a, b) => a.table.localeCompare(b.table));
}

async function copyTable(reader: ClientBase, writer: ClientBase, plan: TablePlan, job: PostgresSyncJob): Promise<TableCopied> {
  const columns = plan.columns.map((column) => quote(column.name)).join(', ');
  const out = reader.query(copyTo(`COPY ${plan.table.sql} (${columns}) TO STDOUT`));
  const into = writer.query(copyFrom(`COPY ${plan.table.sql} (${columns}) FROM STDIN`));
  const rules: RewriteRule[] = plan.columns.flatMap((column, index) =>
    column.strategy && column.strategy !== 'keep'
      ? [{ index, strategy: column.strategy, column: { name: column.name, sqlType: column.sqlType, nullable: column.nullable } }]
      : [],
  );
  let bytes = 0;
  out.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const abort = (): void => {
    out.destroy(job.signal.reason as Error);
  };
  job.signal.addEventListener('abort', abort, { once: true });
  try {
    if (rules.length === 0) await pipeline(out, into);
    else await pipeline(out, new CopyRowTransform((text) => job.rewriter.rewrite(text, rules)), into);
  } finally {
    job.signal.removeEventListener('abort', abort);
  }
  const name = `${plan.table.schema}.${plan.table.name}`;
  const rows = Number(into.rowCount);
  job.log(`${name}: ${rows} row${rows === 1 ? '' : 's'}${rules.length > 0 ? `, anonymised ${rules.map((rule) => rule.column.name).join(', ')}` : ''}`);
  return { table: name, rows, bytes, anonymized: rules.map((rule) => rule.column.name) };
}

async function setSequences(positions: Awaited<ReturnType<typeof sequencePositions>>, target: Connection): Promise<void> {
  const client = clientOf(target);
  await connectAs(client, target);
  try {
    for (const sequence of positions) {
      // A sequence owned by a table left out is not in the copy.
      // pg_catalog's own functions, whatever the copied schema defines under the same names (stagingd's session is behind this role).
      const { rows } = await client.query<{ found: boolean }>('SELECT pg_catalog.to_regclass($1) IS NOT NULL AS found', [sequence.sql]);
      if (rows[0]?.found)
        await client.query('SELECT pg_catalog.setval($1::regclass, $2::bigint, $3::boolean)', [sequence.sql, sequence.lastValue, sequence.isCalled]);
    }
  } finally {
    await client.end();
  }
}

export { SyncRefused };
