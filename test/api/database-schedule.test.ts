/**
 * database.schedule on a real PostgreSQL 15 (CI sets STAGINGD_REQUIRE_POSTGRES=1), with the scheduler's clock given
 * by the test: it fires once per due environment, never while a sync of it is under way, and after a gap (stagingd
 * down) runs once, saying how many runs were missed. Its state is the sync records, so a new scheduler (a restart)
 * carries on. stagingd's own store is on PostgreSQL here too, where three replicas' schedulers tick at the same firing
 * and one sync runs.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { toStagingConfig } from '../../common/src/config/model';
import { parseConfig } from '../../common/src/config/parse';
import { PostgresDatabases } from '../../api/src/databases/postgres-databases';
import { givenServer } from '../../api/src/databases/postgres-server';
import { firings, SyncScheduler } from '../../api/src/context/sync-scheduler';
import { SyncConflict } from '../../api/src/databases/sync-service';
import { DatabaseSyncService } from '../../api/src/databases/sync-service';
import { LogStore } from '../../api/src/logs/log-store';
import { SecretBox } from '../../api/src/security/secret-box';
import type { Database } from '../../api/src/store/database';
import { openDatabase } from '../../api/src/store/open-database';
import type { DatabaseSyncRecord } from '../../api/src/store/database-syncs';
import { newEnvironment, now, type EnvironmentRecord } from '../../api/src/store/records';
import { openStores, type Stores } from '../../api/src/store/stores';
import { helloNodeConfig } from './support/git-fixture';
import { onDatabase, testPostgresUrl as serverUrl, withClient, withoutPostgres as skip } from './support/postgres';

const minutes = (n: number): number => n * 60_000;

describe('database sync schedule: firings', () => {
  it('counts the firings after a time up to now, and finds the newest', () => {
    const since = new Date('2026-12-07T02:00:00Z');
    assert.deepEqual(firings('*/5 * * * *', since, new Date('2026-12-07T02:03:00Z')), { latest: undefined, count: 0 });
    const { latest, count } = firings('*/5 * * * *', since, new Date('2026-12-07T02:17:00Z'));
    assert.equal(latest?.toISOString(), '2026-12-07T02:15:00.000Z');
    assert.equal(count, 3);
    assert.equal(firings('0 3 * * *', since, new Date('2026-12-07T03:00:00Z')).latest?.toISOString(), '2026-12-07T03:00:00.000Z');
  });
});

describe('database sync schedule (PostgreSQL)', { skip }, () => {
  const suffix = randomBytes(4).toString('hex');
  const project = `sched${suffix}`;
  const production = `prod_${suffix}`;
  const storeDatabase = `store_${suffix}`;
  let dataDir: string;
  let database: Database;
  let stores: Stores;
  let logs: LogStore;
  let syncs: DatabaseSyncService;
  let env: EnvironmentRecord;
  let config: ReturnType<typeof toStagingConfig>;
  let postgres: PostgresDatabases;
  const started = Math.floor(Date.now() / minutes(5)) * minutes(5) - minutes(30);

  const scheduler = (at: number): SyncScheduler =>
    new SyncScheduler({
      what: 'database sync',
      syncs,
      records: stores.databaseSyncs,
      environments: () => Promise.resolve([{ config, env, schedule: config.database!.schedule! }]),
      conflict: SyncConflict,
      log: () => undefined,
      intervalMs: 60_000,
      now: () => new Date(at),
      firings: stores.replicas.firings,
    });
  const scheduled = async (): Promise<DatabaseSyncRecord[]> => (await stores.databaseSyncs.page(env.id, 50)).filter((sync) => sync.trigger === 'schedule');
  const ended = async (id: string): Promise<DatabaseSyncRecord> => {
    for (;;) {
      const sync = (await stores.databaseSyncs.get(id))!;
      if (!['queued', 'running'].includes(sync.status)) return sync;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const logText = async (id: string): Promise<string> => {
    const lines: string[] = [];
    for await (const line of logs.read(id)) lines.push(line.text);
    return lines.join('\n');
  };

  before(async () => {
    assert.ok(serverUrl);
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${production}`));
    const source = new URL(serverUrl);
    source.pathname = `/${production}`;
    await withClient(source.toString(), (client) =>
      client.query("CREATE TABLE items (id serial PRIMARY KEY, title text); INSERT INTO items (title) VALUES ('one'), ('two')"),
    );
    dataDir = mkdtempSync(join(tmpdir(), 'schedule-'));
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${storeDatabase}`));
    database = await openDatabase(dataDir, onDatabase(serverUrl, storeDatabase));
    const box = SecretBox.open(dataDir);
    stores = openStores(database, box);
    logs = new LogStore(join(dataDir, 'logs'));
    postgres = new PostgresDatabases(serverUrl, (name) => box.derive(`database-role:${name}`));
    syncs = new DatabaseSyncService({
      stores,
      logs,
      box,
      dataDir,
      postgres: givenServer(serverUrl, (name) => box.derive(`database-role:${name}`)),
      log: () => undefined,
    });
    const text = helloNodeConfig({ extra: `database:\n  engine: postgres\n  source: ${source.toString()}\n  schedule: "*/5 * * * *"\n` }).replace(
      'project: hello-node',
      `project: ${project}`,
    );
    config = toStagingConfig(parseConfig(text).value);
    await stores.projects.insert({ name: project, repository: '/nowhere', config: text, configPath: 'staging.yaml', webhookSecret: 'x', createdAt: now() });
    env = { ...newEnvironment({ project, name: 'staging', kind: 'fixed', branch: 'develop', resources: {} }), createdAt: new Date(started).toISOString() };
    await stores.environments.insert(env);
  });

  after(async () => {
    await syncs.close();
    await postgres.drop(project, 'staging');
    await logs.close();
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
    await withClient(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${production} WITH (FORCE)`));
    await withClient(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${storeDatabase} WITH (FORCE)`));
  });

  it('does nothing before the first firing after the environment was created', async () => {
    await scheduler(started + minutes(3)).tickNow();
    assert.deepEqual(await scheduled(), []);
  });

  it('waits while a sync of the environment is under way, then runs once for the runs it missed, saying so', async () => {
    const manual = await syncs.start(config, env, 'manual', 'ann');
    await scheduler(Date.now()).tickNow();
    assert.deepEqual(await scheduled(), [], 'no second sync while one is under way');
    assert.equal((await ended(manual.id)).status, 'succeeded');

    await scheduler(Date.now()).tickNow();
    const [sync] = await scheduled();
    assert.ok(sync);
    assert.equal((await ended(sync.id)).status, 'succeeded');
    assert.match(await logText(sync.id), /[4-7] scheduled runs were missed \(stagingd was not running\); this sync makes up for them/);
    await scheduler(Date.now()).tickNow();
    assert.equal((await scheduled()).length, 1, 'no firing since: no sync');
  });

  it('fires again at the next firing, from a new scheduler (as after a restart)', async () => {
    await scheduler(Date.now() + minutes(5)).tickNow();
    const all = await scheduled();
    assert.equal(all.length, 2);
    assert.equal((await ended(all[0]!.id)).status, 'succeeded');
    assert.doesNotMatch(await logText(all[0]!.id), /missed/);
  });

  it('runs one sync when three replicas sharing the store tick at the same firing', async () => {
    const before = (await scheduled()).length;
    const at = Date.now() + minutes(10);
    const replicas = ['replica-1', 'replica-2', 'replica-3'].map((id) => {
      const box = SecretBox.open(dataDir);
      const theirs = openStores(database, box, id);
      const service = new DatabaseSyncService({
        stores: theirs,
        logs: new LogStore(join(dataDir, `logs-${id}`)),
        box,
        dataDir,
        postgres: givenServer(serverUrl!, (name) => box.derive(`database-role:${name}`)),
        log: () => undefined,
      });
      const ticker = new SyncScheduler({
        what: 'database sync',
        syncs: service,
        records: theirs.databaseSyncs,
        environments: () => Promise.resolve([{ config, env, schedule: config.database!.schedule! }]),
        conflict: SyncConflict,
        log: () => undefined,
        intervalMs: 60_000,
        now: () => new Date(at),
        firings: theirs.replicas.firings,
      });
      return { service, ticker };
    });
    await Promise.all(replicas.map(({ ticker }) => ticker.tickNow()));
    const all = await scheduled();
    assert.equal(all.length, before + 1, 'one sync for the firing, not one per replica');
    assert.equal((await ended(all[0]!.id)).status, 'succeeded');
    await Promise.all(replicas.map(({ service }) => service.close()));
  });
});
