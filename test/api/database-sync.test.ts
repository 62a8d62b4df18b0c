/**
 * Production's database into staging, end to end, on a real PostgreSQL 15 (scripts/start-postgres.sh; CI sets
 * STAGINGD_REQUIRE_POSTGRES=1): a database per environment, a sync that anonymises on the way, strict mode, a source
 * that cannot be reached, kill -9 mid-sync, and the release's DATABASE_URL.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Deployment } from './support/api-types';
import { helloNodeConfig, helloNodeRepository } from './support/git-fixture';
import { StagingdProcess } from './support/stagingd-process';
import { WebhookReceiver } from './support/webhook-receiver';
import { testPostgresUrl as serverUrl, withClient, withoutPostgres as skip } from './support/postgres';

interface Sync {
  id: string;
  status: string;
  trigger: string;
  reason: string | null;
  tables: { table: string; rows: number; anonymized: string[] }[];
  notes: string[];
  unclassified: { table: string; column: string; suggested: string }[];
  snapshot_at: string | null;
}

const USERS = 400;

/** A row of a test query: its columns checked one by one. */
type Row = Record<string, unknown>;

/** A "production" database with personal data in it: users, addresses, orders (an enum, a sequence, foreign keys). */
async function seedProduction(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query<Row>(`
      CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
      CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
      CREATE TABLE users (
        id serial PRIMARY KEY,
        email email_address NOT NULL UNIQUE,
        full_name text NOT NULL,
        phone text,
        birth_date date,
        last_login_ip inet,
        plan text NOT NULL DEFAULT 'free',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE coupons (code text PRIMARY KEY, percent integer NOT NULL);
      CREATE TABLE addresses (id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES users(id), street text NOT NULL, city text NOT NULL, postcode varchar(10) NOT NULL);
      CREATE TABLE orders (
        id serial PRIMARY KEY,
        user_id integer NOT NULL REFERENCES users(id),
        customer_email text NOT NULL,
        status order_status NOT NULL,
        total numeric(10, 2) NOT NULL,
        coupon text REFERENCES coupons(code)
      );
      CREATE INDEX orders_by_user ON orders (user_id);
      CREATE TABLE sessions (token text PRIMARY KEY, user_id integer NOT NULL REFERENCES users(id));
      CREATE VIEW active_sessions AS SELECT user_id FROM sessions;
      CREATE VIEW paid_orders AS SELECT id, total FROM orders WHERE status = 'paid';
      INSERT INTO coupons VALUES ('WELCOME10', 10);
      INSERT INTO users (email, full_name, phone, birth_date, last_login_ip)
        SELECT 'person' || i || '@realmail.test', 'Real Person ' || i, '+47 9' || lpad(i::text, 7, '0'), date '1970-01-01' + i * 30, ('10.1.' || (i / 250) || '.' || (i % 250))::inet
        FROM generate_series(1, ${USERS}) AS i;
      INSERT INTO addresses (user_id, street, city, postcode) SELECT id, id || ' Real Street', 'Realtown', lpad(id::text, 4, '0') FROM users;
      INSERT INTO orders (user_id, customer_email, status, total, coupon)
        SELECT id, email, (ARRAY['new', 'paid', 'shipped'])[1 + id % 3]::order_status, id * 1.5, CASE WHEN id % 7 = 0 THEN 'WELCOME10' END FROM users;
      INSERT INTO orders (user_id, customer_email, status, total) SELECT id, email, 'paid', 9.99 FROM users WHERE id % 2 = 0;
      INSERT INTO sessions SELECT md5(id::text), id FROM users;
      CREATE TABLE visits (visitor_email text NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE visits_2026 PARTITION OF visits FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
      INSERT INTO visits SELECT email, date '2026-03-01' + id % 200 FROM users;
    `);
  });
}

const anonymize = `  anonymize:
    users:
      email: fake.email
      full_name: fake.name
      phone: fake.phone
      birth_date: fake.birthdate
      last_login_ip: fake.ipv4
    addresses:
      street: fake.street
      city: keep
      postcode: mask
    orders:
      customer_email: fake.email
    visits:
      visitor_email: fake.email
`;

let receiver: WebhookReceiver;

const databaseSection = (rules: string): string => `database:
  engine: postgres
  source: { secret: production-database }
  tables:
    exclude: [sessions, coupons]
${rules}notifications:
  webhooks:
    - url: ${receiver.url('/hooks')}
      events: [database.synced, database.sync_failed]
`;

describe('database sync: production into an environment, anonymised (PostgreSQL)', { skip }, () => {
  const suffix = randomBytes(4).toString('hex');
  const production = `prod_${suffix}`;
  let productionUrl: string;
  let stagingd: StagingdProcess;
  let repo: ReturnType<typeof helloNodeRepository>;
  let stagingUrl: string;
  const project = 'hello-node';

  const sync = async (environment = 'staging'): Promise<Sync> => {
    const started = await stagingd.api<Sync>('POST', `/v1/projects/${project}/environments/${environment}/database/syncs`);
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return waitForSync(started.body.id);
  };
  const waitForSync = async (id: string): Promise<Sync> => {
    await stagingd.waitForEvent<Sync>('database.sync.updated', (data) => data.id === id && !['queued', 'running'].includes(data.status), 60_000);
    return (await stagingd.api<Sync>('GET', `/v1/database-syncs/${id}`)).body;
  };

  /** Runs `test` while production holds a table large enough that a sync is still copying when the test acts. */
  const withSlowSource = async (test: () => Promise<void>): Promise<void> => {
    await withClient(productionUrl, (client) =>
      client.query("CREATE TABLE page_views AS SELECT i AS id, 'page ' || i AS path, repeat('x', 200) AS agent FROM generate_series(1, 400000) AS i"),
    );
    try {
      await test();
    } finally {
      await withClient(productionUrl, (client) => client.query('DROP TABLE page_views'));
    }
  };

  before(async () => {
    assert.ok(serverUrl, 'STAGING_TEST_POSTGRES_URL is set (bash scripts/start-postgres.sh)');
    receiver = await WebhookReceiver.start();
    await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${production}`));
    const url = new URL(serverUrl);
    url.pathname = `/${production}`;
    productionUrl = url.toString();
    await seedProduction(productionUrl);
    repo = helloNodeRepository();
    stagingd = await StagingdProcess.start({ extraArgs: ['--postgres-url', serverUrl] });
    const config = helloNodeConfig({
      // The release step connects with what the release gets (psql reads the PG* variables): the role's password works.
      extra: `${databaseSection(anonymize)}release:\n  command: psql -X -At -c "SELECT 'database ' || current_database() || ' as ' || current_user || ', ' || count(*) || ' users' FROM users"\n`,
    });
    const registered = await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
  });

  after(async () => {
    await stagingd?.api('DELETE', `/v1/projects/${project}`);
    await stagingd?.stop();
    await receiver?.close();
    await withClient(serverUrl!, (client) => client.query(`DROP DATABASE IF EXISTS ${production} WITH (FORCE)`));
  });

  it('tries a sync when the environment is created, and says why it failed: the source secret is not set yet', async () => {
    const list = await stagingd.api<{ items: Sync[] }>('GET', `/v1/projects/${project}/environments/staging/database/syncs`);
    const created = list.body.items.find((item) => item.trigger === 'created');
    assert.ok(created, JSON.stringify(list.body));
    const ended = await waitForSync(created.id);
    assert.equal(ended.status, 'failed');
    assert.match(ended.reason!, /secret 'production-database', which is not set/);
  });

  it('copies the selected tables with their schema, replacing every anonymised value, joins intact', async () => {
    assert.equal((await stagingd.api('PUT', `/v1/projects/${project}/secrets/production-database`, { value: productionUrl })).status, 204);
    const done = await sync();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    assert.ok(done.snapshot_at);
    const [hook] = await receiver.waitFor((request) => request.event === 'database.synced' && JSON.stringify(request.json).includes(done.id));
    assert.equal((hook!.json['sync'] as Sync).status, 'succeeded');
    assert.deepEqual(
      done.tables.map((table) => [table.table, table.rows]),
      [
        ['public.addresses', USERS],
        ['public.orders', USERS * 1.5],
        ['public.users', USERS],
        ['public.visits_2026', USERS],
      ],
    );
    assert.deepEqual(done.tables.find((table) => table.table === 'public.users')!.anonymized, ['email', 'full_name', 'phone', 'birth_date', 'last_login_ip']);
    assert.ok(
      done.notes.some((note) => /orders_coupon_fkey .* public\.coupons/.test(note)),
      done.notes.join('\n'),
    );
    assert.ok(
      done.notes.some((note) => /view public\.active_sessions/.test(note)),
      done.notes.join('\n'),
    );

    const database = (await stagingd.api<{ database: string; available: boolean }>('GET', `/v1/projects/${project}/environments/staging/database`)).body;
    assert.equal(database.available, true);
    const url = new URL(serverUrl!);
    url.pathname = `/${database.database}`;
    stagingUrl = url.toString();
    await withClient(stagingUrl, async (client) => {
      const tables = (await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"))
        .rows;
      assert.deepEqual(
        tables.map((row) => row.name),
        ['addresses', 'orders', 'paid_orders', 'users', 'visits', 'visits_2026'],
      );
      // Joins: the same e-mail gives the same fake e-mail in both tables.
      const mismatched = await client.query<Row>('SELECT count(*)::int AS n FROM orders o JOIN users u ON u.id = o.user_id WHERE o.customer_email <> u.email');
      assert.equal(mismatched.rows[0]?.n, 0);
      // The rule for the partitioned table reached its partition: the same fake e-mails.
      const visitors = await client.query<Row>('SELECT count(*)::int AS n FROM visits v JOIN users u ON u.email = v.visitor_email');
      assert.equal(visitors.rows[0]?.n, USERS);
      // Unique stays unique (the index is made after the rows: it would have failed the sync).
      const distinct = await client.query<Row>('SELECT count(DISTINCT email)::int AS n FROM users');
      assert.equal(distinct.rows[0]?.n, USERS);
      // Constraints, the enum, the sequence.
      const constraints = (await client.query<{ name: string }>("SELECT conname AS name FROM pg_constraint WHERE contype = 'f' ORDER BY 1")).rows.map(
        (row) => row.name,
      );
      assert.deepEqual(constraints, ['addresses_user_id_fkey', 'orders_user_id_fkey']);
      assert.equal((await client.query<Row>('SELECT pg_typeof(status)::text AS t FROM orders LIMIT 1')).rows[0]?.t, 'order_status');
      const next = await client.query<Row>("SELECT nextval('users_id_seq')::int AS n");
      assert.equal(next.rows[0]?.n, USERS + 1);
      // The kept column is the original; masked postcodes keep their first and last character.
      assert.equal((await client.query<Row>("SELECT count(*)::int AS n FROM addresses WHERE city = 'Realtown'")).rows[0]?.n, USERS);
      const coupon = await client.query<Row>("SELECT count(*)::int AS n FROM orders WHERE coupon = 'WELCOME10'");
      assert.equal(coupon.rows[0]?.n, Math.floor(USERS / 7));
    });

    // No original value of an anonymised column appears anywhere in the copy: every text (and inet) column of every table.
    const originals = await withClient(productionUrl, async (client) => {
      const rows = await client.query<Record<string, string>>(
        'SELECT u.email, u.full_name, u.phone, u.last_login_ip::text AS ip, a.street FROM users u JOIN addresses a ON a.user_id = u.id',
      );
      return new Set(rows.rows.flatMap((row) => Object.values(row)));
    });
    // A date has too few values for that: each row's own birth date is replaced instead.
    const births = await withClient(
      productionUrl,
      async (client) => (await client.query<{ id: number; b: string }>('SELECT id, birth_date::text AS b FROM users')).rows,
    );
    await withClient(stagingUrl, async (client) => {
      const copied = new Map((await client.query<{ id: number; b: string }>('SELECT id, birth_date::text AS b FROM users')).rows.map((row) => [row.id, row.b]));
      assert.deepEqual(
        births.filter((row) => copied.get(row.id) === row.b),
        [],
      );
      const columns = await client.query<{ table_name: string; column_name: string }>(
        "SELECT c.table_name, c.column_name FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name) WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.data_type IN ('text', 'character varying', 'character', 'inet')",
      );
      let scanned = 0;
      for (const column of columns.rows) {
        const values = await client.query<{ v: string | null }>(`SELECT "${column.column_name}"::text AS v FROM "${column.table_name}"`);
        for (const { v } of values.rows) {
          if (v === null) continue;
          scanned++;
          assert.ok(!originals.has(v), `${column.table_name}.${column.column_name} holds the original value ${v}`);
        }
      }
      assert.ok(scanned > USERS * 8, `scanned ${scanned} values`);
    });
  });

  it('gives the same values again in a second run (deterministic within the project)', async () => {
    const before = await withClient(stagingUrl, (client) => client.query('SELECT id, email, full_name, phone FROM users ORDER BY id'));
    const done = await sync();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    const again = await withClient(stagingUrl, (client) => client.query('SELECT id, email, full_name, phone FROM users ORDER BY id'));
    assert.deepEqual(again.rows, before.rows);
  });

  it('gives the release the database as DATABASE_URL and PG*, under its own role', async () => {
    const queued = await stagingd.api<Deployment>('POST', `/v1/projects/${project}/environments/staging/deployments`, { ref: 'develop' });
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    const log = (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body;
    assert.equal(deployment.status, 'live', log);
    assert.match(log, new RegExp(`database stg_hello-node_staging as stg_hello-node_staging, ${USERS} users`));
  });

  it('refuses in strict mode, naming exactly the columns without a rule, and the previous data keeps serving', async () => {
    await withClient(stagingUrl, (client) => client.query("UPDATE users SET plan = 'marker' WHERE id = 1"));
    const withoutPhone = anonymize.replace('      phone: fake.phone\n', '').replace('      street: fake.street\n', '');
    const config = helloNodeConfig({ extra: databaseSection(withoutPhone) });
    assert.equal((await stagingd.api('PATCH', `/v1/projects/${project}`, { config })).status, 200);
    const done = await sync();
    assert.equal(done.status, 'failed');
    assert.deepEqual(
      done.unclassified.map((column) => `${column.table}.${column.column} -> ${column.suggested}`),
      ['addresses.street -> fake.street', 'users.phone -> fake.phone'],
    );
    assert.match(done.reason!, /Strict mode: 2 columns/);
    const [hook] = await receiver.waitFor((request) => request.event === 'database.sync_failed' && JSON.stringify(request.json).includes(done.id));
    assert.deepEqual((hook!.json['sync'] as Sync).unclassified.map((column) => column.column).sort(), ['phone', 'street']);
    const plan = await withClient(stagingUrl, (client) => client.query<Row>('SELECT plan FROM users WHERE id = 1'));
    assert.equal(plan.rows[0]?.plan, 'marker');
  });

  it('refuses a rule for a table or column the source does not have, or one that cannot apply to its column', async () => {
    const wrong =
      anonymize.replace('      email: fake.email\n', '      emial: fake.email\n      email: fake.email\n      id: mask\n') +
      '    invoices:\n      total: redact\n';
    assert.equal((await stagingd.api('PATCH', `/v1/projects/${project}`, { config: helloNodeConfig({ extra: databaseSection(wrong) }) })).status, 200);
    const done = await sync();
    assert.equal(done.status, 'failed');
    assert.match(done.reason!, /database\.anonymize\.users\.emial: public\.users has no column 'emial'/);
    assert.match(done.reason!, /database\.anonymize\.users\.id: .*integer/);
    assert.match(done.reason!, /database\.anonymize\.invoices: the source has no table 'invoices'/);
  });

  it('fails with a clear reason when the source cannot be reached, never showing its password', async () => {
    const config = helloNodeConfig({ extra: databaseSection(anonymize) });
    assert.equal((await stagingd.api('PATCH', `/v1/projects/${project}`, { config })).status, 200);
    await stagingd.api('PUT', `/v1/projects/${project}/secrets/production-database`, { value: 'postgres://reader:hunter2-very-secret@127.0.0.1:1/prod' });
    const done = await sync();
    assert.equal(done.status, 'failed');
    assert.match(done.reason!, /The source database could not be reached: .*ECONNREFUSED/);
    const log = (await stagingd.api<string>('GET', `/v1/database-syncs/${done.id}/logs`)).body;
    for (const text of [done.reason!, log, stagingd.output]) assert.ok(!text.includes('hunter2'), text);
    await stagingd.api('PUT', `/v1/projects/${project}/secrets/production-database`, { value: productionUrl });
  });

  it('cancels a sync under way, keeping the previous data', async () => {
    await withSlowSource(async () => {
      const started = await stagingd.api<Sync>('POST', `/v1/projects/${project}/environments/staging/database/syncs`);
      await stagingd.waitForEvent<Sync>('database.sync.updated', (data) => data.id === started.body.id && data.status === 'running');
      const again = await stagingd.api<{ detail: string }>('POST', `/v1/projects/${project}/environments/staging/database/syncs`);
      assert.equal(again.status, 409);
      assert.match(again.body.detail, /already under way/);
      const work = await waitForWorkDatabase();
      // While the copy is built, the environment's role (a release) cannot connect to it.
      const reach = await withClient(serverUrl!, (client) =>
        client.query<Row>(
          "SELECT has_database_privilege('stg_hello-node_staging', $1, 'CONNECT') AS work, has_database_privilege('stg_hello-node_staging', 'stg_hello-node_staging', 'CONNECT') AS live",
          [work],
        ),
      );
      assert.deepEqual(reach.rows[0], { work: false, live: true });
      assert.equal((await stagingd.api('POST', `/v1/database-syncs/${started.body.id}/cancel`)).status, 202);
      const ended = await waitForSync(started.body.id);
      assert.equal(ended.status, 'cancelled');
      assert.match(ended.reason!, /cancelled by admin/);
      assert.equal((await stagingd.api('POST', `/v1/database-syncs/${started.body.id}/cancel`)).status, 409);
      const plan = await withClient(stagingUrl, (client) => client.query<Row>('SELECT plan FROM users WHERE id = 1'));
      assert.equal(plan.rows[0]?.plan, 'marker');
      const left = await withClient(serverUrl!, (client) =>
        client.query<Row>("SELECT count(*)::int AS n FROM pg_database WHERE datname LIKE 'stg\\_sync\\_%'"),
      );
      assert.equal(left.rows[0]?.n, 0);
    });
  });

  it('keeps the previous data when stagingd is killed mid-sync, and drops what that sync was building', async () => {
    await withSlowSource(async () => {
      const started = await stagingd.api<Sync>('POST', `/v1/projects/${project}/environments/staging/database/syncs`);
      await stagingd.waitForEvent<Sync>('database.sync.updated', (data) => data.id === started.body.id && data.status === 'running');
      const work = await waitForWorkDatabase();
      stagingd.child.kill('SIGKILL');
      await new Promise((resolve) => stagingd.child.once('exit', resolve));
      const plan = await withClient(stagingUrl, (client) => client.query<Row>('SELECT plan FROM users WHERE id = 1'));
      assert.equal(plan.rows[0]?.plan, 'marker');

      stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir, extraArgs: ['--postgres-url', serverUrl!] });
      const after = (await stagingd.api<Sync>('GET', `/v1/database-syncs/${started.body.id}`)).body;
      assert.equal(after.status, 'failed');
      assert.match(after.reason!, /stagingd stopped while this sync was running/);
      const left = await withClient(serverUrl!, (client) => client.query<Row>('SELECT count(*)::int AS n FROM pg_database WHERE datname = $1', [work]));
      assert.equal(left.rows[0]?.n, 0);
    });
  });

  it('records a sync as succeeded when stagingd was killed after its switch was committed, before it recorded it', async () => {
    const done = await sync();
    assert.equal(done.status, 'succeeded', done.reason ?? '');
    // The switch left its mark on the database: the work database name of the sync whose copy it is.
    const comment = await withClient(serverUrl!, (client) =>
      client.query<{ comment: string }>("SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = 'stg_hello-node_staging'"),
    );
    const work = /^stagingd sync (stg_sync_[0-9a-f]{16})$/.exec(comment.rows[0]?.comment ?? '')?.[1];
    assert.ok(work, comment.rows[0]?.comment);
    // As if killed in between: the record still says running, with that work database.
    await stagingd.stop('SIGKILL');
    await stagingd.storeQuery("UPDATE database_syncs SET status = 'running', completed_at = NULL, work_database = ? WHERE id = ?", [work, done.id]);
    stagingd = await StagingdProcess.start({ dataDir: stagingd.dataDir, extraArgs: ['--postgres-url', serverUrl!] });
    const after = (await stagingd.api<Sync>('GET', `/v1/database-syncs/${done.id}`)).body;
    assert.equal(after.status, 'succeeded');
    assert.match(after.reason!, /the copy serves, its tables and rows were not recorded/);
  });

  it("drops the environment's database and role with the environment", async () => {
    const created = await stagingd.api('POST', `/v1/projects/${project}/environments`, { name: 'qa', branch: 'develop' });
    assert.equal(created.status, 201);
    const list = await stagingd.api<{ items: Sync[] }>('GET', `/v1/projects/${project}/environments/qa/database/syncs`);
    const first = await waitForSync(list.body.items[0]!.id);
    assert.equal(first.status, 'succeeded', first.reason ?? '');
    const count = (): Promise<unknown> =>
      withClient(
        serverUrl!,
        async (client) => (await client.query<Row>("SELECT count(*)::int AS n FROM pg_database WHERE datname = 'stg_hello-node_qa'")).rows[0]?.n,
      );
    assert.equal(await count(), 1);
    assert.equal((await stagingd.api('DELETE', `/v1/projects/${project}/environments/qa`)).status, 204);
    assert.equal(await count(), 0);
    const roles = await withClient(serverUrl!, (client) => client.query<Row>("SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'stg_hello-node_qa'"));
    assert.equal(roles.rows[0]?.n, 0);
  });
});

/** The database a running sync builds its copy in, once it exists. */
async function waitForWorkDatabase(): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const rows = await withClient(serverUrl!, (client) =>
      client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'stg\\_sync\\_%'"),
    );
    if (rows.rows[0]) return rows.rows[0].datname;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no sync database appeared');
}
