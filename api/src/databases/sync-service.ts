import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { DatabaseConfig, StagingConfig } from '../../../common/src/config/model';
import { hasOwnDatabase } from '../../../common/src/config/environment-entry';
import type { LogStore } from '../logs/log-store';
import type { ServerLog } from '../logs/server-log';
import type { SecretBox } from '../security/secret-box';
import type { DatabaseSyncRecord, DatabaseSyncTrigger } from '../store/database-syncs';
import type { EnvironmentRecord } from '../store/records';
import { now } from '../store/records';
import type { Stores } from '../store/stores';
import type { Sandbox } from '../runtime/sandbox';
import { SyncRefused } from './copy-plan';
import { databaseName, type EnvironmentDatabase } from './postgres-databases';
import type { PostgresServer } from './postgres-server';
import { syncPostgres, workDatabaseName, type SyncOutcome } from './postgres-sync';
import { postgresBin } from './postgres-tools';
import { RewritePool } from './rewrite-pool';
import { SqliteFiles } from './sqlite-files';
import { syncSqlite } from './sqlite-sync';
import { SyncSlots } from './sync-slots';
import { presentDatabaseSync } from './sync-presenter';

/** A request the environment's database cannot take now (becomes a 409). */
export class SyncConflict extends Error {}

/** Why a sync ended early: its message becomes the sync's reason. */
class SyncCancelled extends Error {}

const underWay = ['queued', 'running'] as const;

/** What the environment panel and the API say of an environment's database. */
export interface DatabaseState {
  enabled: boolean;
  engine: DatabaseConfig['engine'] | null;
  available: boolean;
  reason: string | null;
  database: string | null;
}

export interface DatabaseSyncServiceOptions {
  stores: Pick<Stores, 'databaseSyncs' | 'variables' | 'events' | 'environments'>;
  logs: LogStore;
  box: SecretBox;
  dataDir: string;
  /** The PostgreSQL server environments' databases live on (given, or stagingd's own); undefined when there is none. */
  postgres: PostgresServer | undefined;
  /** The local runner's sandbox, where environments' SQLite files are read and written; undefined with the Docker runner. */
  sandbox?: Sandbox | undefined;
  log: ServerLog;
}

/**
 * Each environment's own database: made when a release first needs it, dropped with the environment, and filled
 * from production's by syncs (one at a time per environment, each a record with its log).
 */
export class DatabaseSyncService {
  // A job is `ending` from the moment its outcome is written: whoever sees that outcome may start the next sync.
  private readonly running = new Map<string, { environmentId: string; controller: AbortController; done: Promise<void>; ending?: boolean }>();
  private readonly bin = postgresBin();
  /** Two syncs at once; the others wait, queued. */
  private readonly slots = new SyncSlots(2);
  /** Environments being deleted (their ids are never reused). */
  private readonly deleting = new Set<string>();
  private readonly sqlite: SqliteFiles | undefined;

  constructor(private readonly options: DatabaseSyncServiceOptions) {
    this.sqlite = options.sandbox ? new SqliteFiles(options.dataDir, options.sandbox) : undefined;
  }

  /** What stagingd can do for this environment's database. */
  state(config: StagingConfig, env: EnvironmentRecord): DatabaseState {
    const database = config.database;
    if (!database || !hasOwnDatabase(config, env)) return { enabled: false, engine: database?.engine ?? null, available: false, reason: null, database: null };
    const reason = this.unavailable(database);
    const name = database.engine === 'sqlite' ? sqliteFile(database) : databaseName(env.project, env.name);
    return { enabled: true, engine: database.engine, available: reason === undefined, reason: reason ?? null, database: reason === undefined ? name : null };
  }

  private unavailable(database: DatabaseConfig): string | undefined {
    if (database.engine === 'sqlite')
      return this.sqlite
        ? undefined
        : 'stagingd makes SQLite databases only with the local runner: with the Docker runner it mounts no data folder into containers yet';
    if (!this.options.postgres)
      return 'stagingd has no PostgreSQL server for environments\u2019 databases: give it one with --postgres-url (or STAGINGD_POSTGRES_URL), or install PostgreSQL\u2019s server programs (Debian: postgresql) for it to run its own';
    if (!this.bin) return 'PostgreSQL\u2019s client programs (pg_dump, pg_restore) are not on this machine: install postgresql-client';
    return undefined;
  }

  /**
   * DATABASE_URL and libpq's PG* variables of the environment's own database, made now if it is not there yet; none
   * when the environment has no database of its own. Throws (the deployment fails) when it should have one and
   * stagingd cannot provide it: the release would otherwise run against whatever DATABASE_URL staging.yaml names.
   */
  async variables(config: StagingConfig, env: EnvironmentRecord): Promise<Record<string, string>> {
    if (isSqliteProduction(config, env) && this.sqlite) return this.sqlite.variables(env.id, sqliteFile(config.database!));
    const state = this.state(config, env);
    if (!state.enabled) return {};
    if (!state.available) throw new SyncConflict(`This environment needs a database of its own (staging.yaml's database section), and ${state.reason}.`);
    if (this.deleting.has(env.id)) throw new SyncConflict(`Environment '${env.name}' is being deleted.`);
    if (config.database!.engine === 'sqlite') return this.sqlite!.variables(env.id, sqliteFile(config.database!));
    const database = await (await this.options.postgres!.databases()).ensure(env.project, env.name);
    return variablesOf(database);
  }

  /**
   * The environment's data folder, for its builds and releases to mount: with engine sqlite, production's (its file is
   * the source) and each environment's with a database of its own; none otherwise.
   */
  /** Where the environment's data folder (its SQLite file) is, whether it exists or not; undefined without one possible. */
  dataFolder(environmentId: string): string | undefined {
    return this.sqlite?.folder(environmentId);
  }

  async dataDirectory(config: StagingConfig, env: EnvironmentRecord): Promise<string | undefined> {
    if (config.database?.engine !== 'sqlite' || !this.sqlite || this.deleting.has(env.id)) return undefined;
    if (!isSqliteProduction(config, env) && !hasOwnDatabase(config, env)) return undefined;
    return this.sqlite.ensure(env.id);
  }

  /** Starts a sync of the environment's database; it runs in the background (follow its record, events and log). */
  async start(config: StagingConfig, env: EnvironmentRecord, trigger: DatabaseSyncTrigger, requestedBy: string): Promise<DatabaseSyncRecord> {
    const state = this.state(config, env);
    if (!state.enabled)
      throw new SyncConflict(`Environment '${env.name}' has no database of its own: staging.yaml has no database section, or the environment opts out.`);
    if (!state.available) throw new SyncConflict(`Environment '${env.name}' cannot have its database: ${state.reason}.`);
    if (this.deleting.has(env.id)) throw new SyncConflict(`Environment '${env.name}' is being deleted.`);
    const busy = [...this.running.values()].some((job) => job.environmentId === env.id && !job.ending);
    if (busy) throw new SyncConflict(`A database sync of '${env.name}' is already under way.`);
    // Taken before the first await, so two requests at once cannot both start one.
    const id = randomUUID();
    const controller = new AbortController();
    let started!: (sync: DatabaseSyncRecord) => void;
    const record = new Promise<DatabaseSyncRecord>((resolve) => (started = resolve));
    const done = record
      .then((sync) => this.run(sync, config.database!, controller.signal))
      // The record itself may be gone (the environment was deleted meanwhile): said in stagingd's log, nothing more.
      .catch((error: unknown) => this.options.log(`database sync ${id}: ${error instanceof Error ? error.message : String(error)}`, 'warn'))
      .finally(() => this.running.delete(id));
    this.running.set(id, { environmentId: env.id, controller, done });
    try {
      const sync = await this.options.stores.databaseSyncs.insert({ id, environmentId: env.id, trigger, requestedBy, status: 'queued', createdAt: now() });
      await this.publish(sync);
      started(sync);
      return sync;
    } catch (error) {
      this.running.delete(id);
      throw error;
    }
  }

  /** A new environment: its database is filled at once, when it has one stagingd can provide (else its state says why). */
  async created(config: StagingConfig, env: EnvironmentRecord, requestedBy: string): Promise<void> {
    const state = this.state(config, env);
    if (state.enabled && state.available) await this.start(config, env, 'created', requestedBy);
  }

  /** A line in a sync's log from outside it (the scheduler's word on missed runs). */
  note(syncId: string, line: string): void {
    this.options.logs.append(syncId, 'system', line);
  }

  /** Cancels a sync under way; false when it has ended. */
  cancel(syncId: string, reason = 'cancelled'): boolean {
    const job = this.running.get(syncId);
    if (!job) return false;
    job.controller.abort(new SyncCancelled(reason));
    return true;
  }

  /**
   * The environment is being deleted: its sync stops, its sync logs go, and its database and role are dropped (a
   * server that cannot be reached then is said in stagingd's log: the environment goes anyway), or its data folder.
   */
  async remove(env: EnvironmentRecord): Promise<void> {
    // From now on no sync starts and no release gets the database (which would make it again after the drop).
    this.deleting.add(env.id);
    for (const [id, job] of this.running) if (job.environmentId === env.id) this.cancel(id, `cancelled: the environment ${env.name} was deleted`);
    await Promise.all([...this.running.values()].filter((job) => job.environmentId === env.id).map((job) => job.done));
    for (const sync of await this.options.stores.databaseSyncs.page(env.id, 1000)) await this.options.logs.remove(sync.id);
    this.sqlite?.remove(env.id);
    try {
      await (await this.options.postgres?.existing())?.drop(env.project, env.name);
    } catch (error) {
      this.options.log(`could not drop the database of ${env.project}/${env.name}: ${(error as Error).message}`, 'error');
    }
  }

  /**
   * After a restart (even kill -9): the syncs the previous stagingd had under way failed, and the databases they were
   * building are dropped. The environments' own databases were never touched by them.
   */
  async recover(): Promise<void> {
    await this.settle(await this.options.stores.databaseSyncs.withStatus([...underWay]), 'stagingd stopped while this sync was running');
    // SQLite syncs' folders (their copies): nothing runs yet.
    for (const entry of readdirSync(this.workDir(), { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name.startsWith(SQLITE_WORK)) rmSync(path.join(this.workDir(), entry.name), { recursive: true, force: true });
    }
    await this.dropLeftWorkDatabases();
  }

  /** A silent replica's syncs, claimed for this one: they died with it (or switched just before). */
  async takeOver(silent: string): Promise<number> {
    const claimed = await this.options.stores.databaseSyncs.claim(silent, [...underWay]);
    for (const sync of claimed) await this.options.logs.adopt(sync.id);
    await this.settle(claimed, `the stagingd replica running it (${silent}) stopped answering`);
    if (claimed.length > 0) await this.dropLeftWorkDatabases();
    return claimed.length;
  }

  /** Syncs that stopped with their stagingd: failed, unless their switch had been committed. */
  private async settle(interrupted: DatabaseSyncRecord[], reason: string): Promise<void> {
    const databases = interrupted.length > 0 ? await this.options.postgres?.existing().catch(() => undefined) : undefined;
    for (const sync of interrupted) {
      // Killed between the switch's commit and its record: the copy serves; only the figures are lost.
      const switched = sync.workDatabase && (await databases?.switchedBy(sync.project, sync.environment).catch(() => undefined)) === sync.workDatabase;
      if (switched) await this.recovered(sync);
      else await this.end(sync, 'failed', reason);
    }
  }

  /**
   * Every work database left on the server goes: those of the syncs just ended, and any whose drop failed before;
   * not those of syncs under way (on another replica sharing the store).
   */
  private async dropLeftWorkDatabases(): Promise<void> {
    const databases = await this.options.postgres?.existing().catch(() => undefined);
    if (!databases) return;
    const inUse = new Set(await this.options.stores.databaseSyncs.workDatabasesInUse());
    for (const name of await databases.workDatabases().catch(() => [])) {
      if (inUse.has(name)) continue;
      await databases.dropWorkDatabase(name).catch((error: unknown) => this.options.log(`could not drop ${name}: ${String(error)}`, 'warn'));
    }
  }

  /** A sync whose switch was committed before stagingd stopped: it succeeded, without its figures. */
  private async recovered(sync: DatabaseSyncRecord): Promise<void> {
    const ended = await this.options.stores.databaseSyncs.update(sync.id, {
      status: 'succeeded',
      reason: 'stagingd stopped just after the copy became the environment\u2019s database: the copy serves, its tables and rows were not recorded',
      workDatabase: null,
      completedAt: now(),
    });
    this.options.logs.append(sync.id, 'system', ended.reason!);
    this.options.logs.finish(sync.id);
    await this.publish(ended);
    await this.options.stores.events.publish('database.synced', presentDatabaseSync(ended));
  }

  /** Cancels every sync and waits for them (stagingd is stopping). */
  async close(): Promise<void> {
    for (const id of this.running.keys()) this.cancel(id, 'cancelled: stagingd stopped');
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  private async run(queued: DatabaseSyncRecord, config: DatabaseConfig, signal: AbortSignal): Promise<void> {
    const { stores, logs } = this.options;
    const log = (line: string): void => void logs.append(queued.id, 'system', line);
    const workDatabase = config.engine === 'postgres' ? workDatabaseName() : null;
    let release: () => void;
    try {
      release = await this.slots.acquire(signal);
    } catch {
      const reason = signal.reason instanceof SyncCancelled ? signal.reason.message : 'cancelled';
      log(`cancelled: ${reason}`);
      return this.end(queued, 'cancelled', reason);
    }
    let sync: DatabaseSyncRecord;
    try {
      sync = await stores.databaseSyncs.update(queued.id, { status: 'running', startedAt: now(), workDatabase });
      await this.publish(sync);
    } catch (error) {
      release();
      throw error;
    }
    try {
      signal.throwIfAborted();
      const outcome = workDatabase ? await this.copyPostgres(sync, config, workDatabase, log, signal) : await this.copySqlite(sync, config, log, signal);
      this.ending(sync.id);
      sync = await stores.databaseSyncs.update(sync.id, {
        status: 'succeeded',
        snapshotAt: outcome.snapshotAt,
        tables: outcome.tables,
        notes: outcome.notes,
        workDatabase: null,
        completedAt: now(),
      });
      const rows = outcome.tables.reduce((sum, table) => sum + table.rows, 0);
      log(`synced ${outcome.tables.length} table${outcome.tables.length === 1 ? '' : 's'}, ${rows} rows`);
      logs.finish(sync.id);
      await this.publish(sync);
      await stores.events.publish('database.synced', presentDatabaseSync(sync));
      // Recorded and said first (the copy serves), then the old data (now under the work database's name) goes: a
      // DROP DATABASE waits for a checkpoint.
      if (workDatabase) await this.dropWorkDatabase(workDatabase, `the data ${sync.environment} had before the sync`);
    } catch (error) {
      if (workDatabase) await this.dropWorkDatabase(workDatabase, workDatabase);
      const cancelled: unknown = signal.aborted ? signal.reason : undefined;
      const reason = cancelled instanceof SyncCancelled ? cancelled.message : error instanceof Error ? error.message : String(error);
      log(`${cancelled instanceof SyncCancelled ? 'cancelled' : 'failed'}: ${reason}`);
      if (error instanceof SyncRefused) await stores.databaseSyncs.update(sync.id, { unclassified: error.unclassified });
      await this.end(sync, cancelled instanceof SyncCancelled ? 'cancelled' : 'failed', reason);
    } finally {
      release();
    }
  }

  private async copyPostgres(
    sync: DatabaseSyncRecord,
    config: DatabaseConfig,
    workDatabase: string,
    log: (line: string) => void,
    signal: AbortSignal,
  ): Promise<SyncOutcome> {
    const sourceUrl = await this.source(sync, config);
    const databases = await this.options.postgres!.databases();
    const rewriter = new RewritePool(this.anonymizationKey(sync.project));
    try {
      return await syncPostgres({
        sourceUrl,
        databases,
        project: sync.project,
        environment: sync.environment,
        config,
        rewriter,
        bin: this.bin!,
        workDir: this.workDir(),
        workDatabase,
        log,
        signal,
      });
    } finally {
      await rewriter.close();
    }
  }

  /** SQLite: production's file is the source; the copy is made in a folder of the sync's own, removed whatever happens. */
  private async copySqlite(sync: DatabaseSyncRecord, config: DatabaseConfig, log: (line: string) => void, signal: AbortSignal): Promise<SyncOutcome> {
    const production = (await this.options.stores.environments.list(sync.project)).find((env) => env.kind === 'production');
    if (!production)
      throw new Error(
        `With engine sqlite the source is production's own database file, and project '${sync.project}' has no production environment in stagingd.`,
      );
    const workDir = path.join(this.workDir(), `${SQLITE_WORK}${sync.id}`);
    mkdirSync(workDir, { mode: 0o700 });
    try {
      return await syncSqlite({
        sandbox: this.options.sandbox!,
        productionData: await this.sqlite!.ensure(production.id),
        environmentData: await this.sqlite!.ensure(sync.environmentId),
        file: sqliteFile(config),
        config,
        key: this.anonymizationKey(sync.project),
        workDir,
        log,
        signal,
      });
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  }

  private anonymizationKey(project: string): Buffer {
    return Buffer.from(this.options.box.derive(`anonymize:${project}`), 'base64url');
  }

  /** stagingd's own folder for sync work (no row of PostgreSQL's copies goes there; SQLite's copies do). */
  private workDir(): string {
    const workDir = path.join(this.options.dataDir, 'tmp');
    mkdirSync(workDir, { recursive: true, mode: 0o700 });
    return workDir;
  }

  private async dropWorkDatabase(workDatabase: string, what: string): Promise<void> {
    const databases = await this.options.postgres?.existing().catch(() => undefined);
    await databases?.dropWorkDatabase(workDatabase).catch((error: unknown) => this.options.log(`could not drop ${what}: ${String(error)}`, 'warn'));
  }

  private async source(sync: DatabaseSyncRecord, config: DatabaseConfig): Promise<string> {
    if (typeof config.source === 'string') return config.source;
    const value = await this.options.stores.variables.secretValue(sync.project, config.source.secret);
    if (value === undefined) throw new Error(`database.source refers to the secret '${config.source.secret}', which is not set for project '${sync.project}'.`);
    return value;
  }

  private ending(syncId: string): void {
    const job = this.running.get(syncId);
    if (job) job.ending = true;
  }

  private async end(sync: DatabaseSyncRecord, status: 'failed' | 'cancelled', reason: string): Promise<void> {
    this.ending(sync.id);
    const ended = await this.options.stores.databaseSyncs.update(sync.id, { status, reason, workDatabase: null, completedAt: now() });
    this.options.logs.finish(sync.id);
    await this.publish(ended);
    if (status === 'failed') await this.options.stores.events.publish('database.sync_failed', presentDatabaseSync(ended));
  }

  private async publish(sync: DatabaseSyncRecord): Promise<void> {
    await this.options.stores.events.publish('database.sync.updated', presentDatabaseSync(sync));
  }
}

/** The folder name prefix of a SQLite sync's work (in the data directory's tmp). */
const SQLITE_WORK = 'sqlite-sync-';

/** A SQLite database's path in each environment's data folder: staging.yaml's `source` (the validator keeps it relative). */
function sqliteFile(config: DatabaseConfig): string {
  return path.posix.normalize(typeof config.source === 'string' ? config.source : 'database.sqlite');
}

/** With engine sqlite, production's database is its own file, in its data folder: the source of every sync. */
function isSqliteProduction(config: StagingConfig, env: EnvironmentRecord): boolean {
  return config.database?.engine === 'sqlite' && env.kind === 'production';
}

function variablesOf(database: EnvironmentDatabase): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    PGHOST: database.host,
    PGPORT: String(database.port),
    PGDATABASE: database.database,
    PGUSER: database.user,
    PGPASSWORD: database.password,
  };
}
