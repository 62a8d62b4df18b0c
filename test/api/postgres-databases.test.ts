// A database per environment on a real PostgreSQL 15 (scripts/start-postgres.sh; CI sets STAGINGD_REQUIRE_POSTGRES=1):
// each owned by its own role, reachable by it alone, made again without loss, dropped with its role.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { databaseName, PostgresDatabases } from '../../api/src/databases/postgres-databases';
import { testPostgresUrl as serverUrl, withClient, withoutPostgres as skip } from './support/postgres';

const query = (url: string, sql: string): Promise<unknown[]> => withClient(url, async (client) => (await client.query(sql)).rows as unknown[]);

describe('a database per environment (PostgreSQL)', { skip }, () => {
  const project = `p${Date.now().toString(36)}`;
  let databases: PostgresDatabases;

  before(() => {
    assert.ok(serverUrl, 'STAGING_TEST_POSTGRES_URL is set (bash scripts/start-postgres.sh)');
    databases = new PostgresDatabases(serverUrl, (name) => `test-secret-for-${name}`);
  });

  after(async () => {
    for (const env of ['staging', 'qa']) await databases.drop(project, env);
  });

  it("makes the environment's database with a role of its own, which only it can reach, and again without loss", async () => {
    const staging = await databases.ensure(project, 'staging');
    assert.equal(staging.database, databaseName(project, 'staging'));
    assert.deepEqual(await query(staging.url, 'SELECT current_database() AS db, current_user AS role'), [{ db: staging.database, role: staging.user }]);
    await query(staging.url, "CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')");

    const qa = await databases.ensure(project, 'qa');
    const intoStaging = new URL(qa.url);
    intoStaging.pathname = `/${staging.database}`;
    await assert.rejects(query(intoStaging.toString(), 'SELECT 1'), /permission denied for database/);
    const roleFlags = await query(serverUrl!, `SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = '${qa.user}'`);
    assert.deepEqual(roleFlags, [{ rolsuper: false, rolcreatedb: false, rolcreaterole: false }]);

    const again = await databases.ensure(project, 'staging');
    assert.equal(again.url, staging.url);
    assert.deepEqual(await query(again.url, 'SELECT body FROM notes'), [{ body: 'kept' }]);
  });

  it('drops the database, ending its connections, and its role', async () => {
    const staging = await databases.ensure(project, 'staging');
    const open = new Client({ connectionString: staging.url });
    await open.connect();
    open.on('error', () => undefined);
    await databases.drop(project, 'staging');
    const left = await query(
      serverUrl!,
      `SELECT (SELECT count(*) FROM pg_database WHERE datname = '${staging.database}')::int AS databases, (SELECT count(*) FROM pg_roles WHERE rolname = '${staging.user}')::int AS roles`,
    );
    assert.deepEqual(left, [{ databases: 0, roles: 0 }]);
    await assert.rejects(query(staging.url, 'SELECT 1'));
    await open.end().catch(() => undefined);
  });

  it('keeps names within 63 bytes, distinct for environments that share a long prefix', () => {
    const long = 'a'.repeat(39);
    const one = databaseName(long, `${'b'.repeat(50)}-one`);
    const two = databaseName(long, `${'b'.repeat(50)}-two`);
    assert.ok(one.length <= 63 && two.length <= 63, `${one} ${two}`);
    assert.notEqual(one, two);
    assert.equal(databaseName('shop', 'feature-login'), 'stg_shop_feature-login');
    assert.notEqual(databaseName('shop-eu', 'staging'), databaseName('shop', 'eu-staging'));
  });
});
