/**
 * stagingd's own PostgreSQL cluster, when it was given no server and PostgreSQL is installed (CI installs Debian's
 * postgresql-15 and sets STAGINGD_REQUIRE_POSTGRES=1): made under the data directory when a database is first needed,
 * loopback only, stopped with stagingd, kept across restarts, and a cluster a killed stagingd left running is stopped.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedPostgres } from '../../api/src/databases/embedded-postgres';
import { onDatabase, testPostgresUrl as serverUrl, withClient } from './support/postgres';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';

const skip =
  (serverUrl && EmbeddedPostgres.available()) || process.env['STAGINGD_REQUIRE_POSTGRES'] === '1'
    ? false
    : 'no PostgreSQL: export STAGING_TEST_POSTGRES_URL="$(bash scripts/start-postgres.sh)" (which installs its server programs)';

interface Sync {
  id: string;
  status: string;
  reason: string | null;
}

function postmaster(dataDir: string): { pid: number; port: number } | undefined {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, 'utf8').split('\n');
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("stagingd's own PostgreSQL cluster", { skip }, () => {
  const production = `prod_${randomBytes(4).toString('hex')}`;
  let stagingd: StagingdProcess;

  const syncNow = async (): Promise<Sync> => {
    const started = await stagingd.api<Sync>('POST', '/v1/projects/hello-node/environments/staging/database/syncs');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await stagingd.waitForEvent<Sync>('database.sync.updated', (data) => data.id === started.body.id && !['queued', 'running'].includes(data.status), 120_000);
    return (await stagingd.api<Sync>('GET', `/v1/database-syncs/${started.body.id}`)).body;
  };

  before(async () => {
    await withClient(serverUrl!, (client) => client.query(`CREATE DATABASE ${production}`));
    const source = onDatabase(serverUrl!, production);
    await withClient(source, (client) =>
      client.query("CREATE TABLE items (id serial PRIMARY KEY, title text NOT NULL); INSERT INTO items (title) VALUES ('one'), ('two'), ('three')"),
    );
    stagingd = await StagingdProcess.start();
    const config = helloNodeConfig({ extra: `database:\n  engine: postgres\n  source: { secret: prod }\n` });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: helloNodeRepository().dir, config })).status, 201);
    assert.equal((await stagingd.api('PUT', '/v1/projects/hello-node/secrets/prod', { value: source })).status, 204);
    // The sync tried when the environment was made (with or without the secret, as the race goes) ends first.
    for (;;) {
      const list = await stagingd.api<{ items: Sync[] }>('GET', '/v1/projects/hello-node/environments/staging/database/syncs');
      if (list.body.items.every((item) => !['queued', 'running'].includes(item.status))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    await stagingd?.stop();
    await withClient(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${production} WITH (FORCE)`));
  });

  it('is made under the data directory when a database is first needed, and syncs into it', async () => {
    const done = await syncNow();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    const running = postmaster(stagingd.dataDir);
    assert.ok(running && alive(running.pid), 'its postmaster runs');
    assert.notEqual(running.port, Number(new URL(serverUrl!).port || 5432), 'a cluster of its own, not the test server');
    assert.match(stagingd.output, /stagingd\u2019s own PostgreSQL listens on 127\.0\.0\.1:\d+/);
  });

  it('stops with stagingd, and keeps its data for the next start', async () => {
    const before = postmaster(stagingd.dataDir)!;
    await stagingd.stop();
    assert.equal(alive(before.pid), false, 'stopped with stagingd');
    stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir });
    const database = (await stagingd.api<{ database: string; available: boolean }>('GET', '/v1/projects/hello-node/environments/staging/database')).body;
    assert.deepEqual([database.available, database.database], [true, 'stg_hello-node_staging']);
    const done = await syncNow();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
  });

  it('stops the cluster a killed stagingd left running before it starts its own', async () => {
    const left = postmaster(stagingd.dataDir)!;
    stagingd.child.kill('SIGKILL');
    await new Promise((resolve) => stagingd.child.once('exit', resolve));
    assert.ok(alive(left.pid), 'the cluster outlives a killed stagingd');
    stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir });
    const done = await syncNow();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.equal(alive(left.pid), false);
    assert.notEqual(postmaster(stagingd.dataDir)!.pid, left.pid);
  });
});
