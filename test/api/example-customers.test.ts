/**
 * examples/customers end to end on a real PostgreSQL (scripts/start-postgres.sh; CI sets STAGINGD_REQUIRE_POSTGRES=1):
 * its schema.sql and seed.sql as production's database, the example registered as it ships, a sync under its
 * staging.yaml's rules in strict mode, and the staging release's page through the preview proxy: every customer and
 * order is there, no e-mail address, name, phone number or street of the seed is.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { components } from '../../common/src/api/schema';
import type { Deployment } from './support/api-types';
import { StagingdProcess } from './support/stagingd-process';
import { testPostgresUrl as serverUrl, withClient, withoutPostgres as skip } from './support/postgres';

type DatabaseSync = components['schemas']['DatabaseSync'];

const example = join(__dirname, '..', '..', '..', 'examples', 'customers');
const project = 'customers';

/** A git repository of the example as it ships: main, and develop (the branch its staging environment follows). */
function customersRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'customers-'));
  cpSync(example, dir, { recursive: true });
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', 'commit', '-q', '-m', 'customers example');
  git('branch', 'develop');
  return dir;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The page's customers: id, the text of its e-mail and city fields, and the order numbers listed under it. */
function customersOf(page: string): { id: number; email: string; city: string; orders: string[] }[] {
  return page
    .split('<article class="customer"')
    .slice(1)
    .map((section) => ({
      id: Number(/data-customer="(\d+)"/.exec(section)![1]),
      email: /<dd class="email">([^<]*)<\/dd>/.exec(section)![1]!,
      city: /<dd class="city">([^<]*)<\/dd>/.exec(section)![1]!,
      orders: [...section.matchAll(/data-order="(\d+)"/g)].map((match) => match[1]!),
    }));
}

describe('examples/customers: production data in its staging environment, anonymised (PostgreSQL)', { skip }, () => {
  const production = `customers_prod_${randomBytes(4).toString('hex')}`;
  let productionUrl: string;
  let repository: string;
  let stagingd: StagingdProcess;
  let page: string;

  before(async () => {
    assert.ok(serverUrl, 'STAGING_TEST_POSTGRES_URL is set (bash scripts/start-postgres.sh)');
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${production}`));
    const url = new URL(serverUrl);
    url.pathname = `/${production}`;
    productionUrl = url.toString();
    await withClient(productionUrl, async (client) => {
      await client.query(readFileSync(join(example, 'schema.sql'), 'utf8'));
      await client.query(readFileSync(join(example, 'seed.sql'), 'utf8'));
    });
    repository = customersRepository();
    stagingd = await StagingdProcess.start({ extraArgs: ['--postgres-url', serverUrl] });
    const registered = await stagingd.api('POST', '/v1/projects', { repository });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
  });

  after(async () => {
    await stagingd?.api('DELETE', `/v1/projects/${project}`);
    await stagingd?.stop();
    if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    if (repository) rmSync(repository, { recursive: true, force: true });
    await withClient(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${production} WITH (FORCE)`));
  });

  it('syncs production into staging under the example’s rules, strict mode finding no column without one', async () => {
    // The sync tried when the environment was made has failed: the secret was not set yet.
    const ended = (data: DatabaseSync): boolean => !['queued', 'running'].includes(data.status);
    await stagingd.waitForEvent<DatabaseSync>('database.sync.updated', (data) => data.trigger === 'created' && ended(data), 60_000);
    assert.equal((await stagingd.api('PUT', `/v1/projects/${project}/secrets/production-database`, { value: productionUrl })).status, 204);
    const started = await stagingd.api<DatabaseSync>('POST', `/v1/projects/${project}/environments/staging/database/syncs`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    await stagingd.waitForEvent<DatabaseSync>('database.sync.updated', (data) => data.id === started.body.id && ended(data), 60_000);
    const sync = (await stagingd.api<DatabaseSync>('GET', `/v1/database-syncs/${started.body.id}`)).body;
    assert.equal(sync.status, 'succeeded', `${sync.reason ?? ''} ${JSON.stringify(sync.unclassified)}`);
    assert.deepEqual(sync.unclassified, []);
    assert.deepEqual(
      sync.tables.map((table) => [table.table, table.anonymized]),
      [
        ['public.addresses', ['recipient_name', 'street', 'postcode']],
        ['public.orders', ['customer_email']],
        ['public.users', ['email', 'full_name', 'phone', 'birth_date', 'last_login_ip']],
      ],
    );
  });

  it('deploys develop to staging, whose page reads the environment’s own database', async () => {
    const queued = await stagingd.api<Deployment>('POST', `/v1/projects/${project}/environments/staging/deployments`, { ref: 'develop' });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    const log = (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body;
    assert.equal(deployment.status, 'live', log);
    const response = await stagingd.preview('staging--customers.localhost', '/');
    assert.equal(response.status, 200, response.body);
    page = response.body;
    assert.match(page, /database <code>stg_customers_staging<\/code>/);
  });

  it('lists every customer of the seed, none of its e-mail addresses, names, phone numbers or streets', async () => {
    const seed = await withClient(productionUrl, async (client) => ({
      users: (await client.query<{ id: number; email: string; city: string }>('SELECT id, email, city FROM users ORDER BY id')).rows,
      personal: (
        await client.query<{ value: string }>(
          `SELECT email AS value FROM users UNION SELECT full_name FROM users UNION SELECT phone FROM users WHERE phone IS NOT NULL
           UNION SELECT recipient_name FROM addresses UNION SELECT street FROM addresses UNION SELECT customer_email FROM orders`,
        )
      ).rows.map((row) => row.value),
    }));
    assert.equal(seed.users.length, 50);
    assert.ok(seed.personal.length > 200, `${seed.personal.length} personal values`);
    const customers = customersOf(page);
    assert.equal(customers.length, seed.users.length);
    assert.match(page, new RegExp(`<span id="customer-count">${seed.users.length}</span>`));
    const leaked = seed.personal.filter((value) => page.includes(value) || page.includes(escapeHtml(value)));
    assert.deepEqual(leaked, []);
    // Fake e-mail addresses, on the domains set aside for examples, still one per customer (users.email is unique).
    for (const customer of customers) assert.match(customer.email, /^[a-z0-9.]+@example\.(com|net|org)$/, `customer ${customer.id}`);
    assert.equal(new Set(customers.map((customer) => customer.email)).size, customers.length);
    // city: keep
    assert.deepEqual(
      customers.map((customer) => [customer.id, customer.city]),
      seed.users.map((user) => [user.id, escapeHtml(user.city)]),
    );
  });

  it('shows each customer’s orders under that customer: the foreign keys survived the copy', async () => {
    const expected = await withClient(productionUrl, async (client) => {
      const rows = await client.query<{ id: number; numbers: string[] }>(
        'SELECT u.id, coalesce(array_agg(o.number::text ORDER BY o.number) FILTER (WHERE o.id IS NOT NULL), ARRAY[]::text[]) AS numbers FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.id ORDER BY u.id',
      );
      return rows.rows.map((row) => [row.id, row.numbers]);
    });
    const shown = customersOf(page).map((customer) => [customer.id, [...customer.orders].sort()]);
    assert.deepEqual(shown, expected);
    const orders = expected.reduce((count, [, numbers]) => count + (numbers as string[]).length, 0);
    assert.ok(orders > 100, `${orders} orders`);
    assert.match(page, new RegExp(`<span id="order-count">${orders}</span>`));
  });
});
