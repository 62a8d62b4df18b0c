/**
 * An anonymised database sync against its peer: about 1,000,000 rows in three tables, half their columns anonymised,
 * copied by stagingd (a real one, --postgres-url, from the API call to the sync's end), against `pg_dump -Fc | pg_restore`
 * of the same tables with no anonymisation, interleaved rounds on the same PostgreSQL. Targets: ours / theirs <= 1.5,
 * and stagingd's peak RSS (VmHWM) under 300 MB. Run: npm run bench:db-sync (PostgreSQL: scripts/start-postgres.sh).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { connectionOf, libpqEnvironment, postgresBin } from '../api/src/databases/postgres-tools';
import { helloNodeConfig, helloNodeRepository } from '../test/api/support/git-fixture';
import { StagingdProcess } from '../test/api/support/stagingd-process';
import { stats } from './support/stats';

const rounds = Number(process.env['BENCH_DB_ROUNDS'] ?? 3);
const scale = Number(process.env['BENCH_DB_ROWS'] ?? 1_000_000);
const repoRoot = join(__dirname, '..', '..');

async function run(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const on = (server: string, database: string): string => {
  const url = new URL(server);
  url.pathname = `/${database}`;
  return url.toString();
};

async function seed(url: string): Promise<void> {
  const customers = Math.round(scale / 4);
  await run(
    url,
    `
    CREATE TABLE customers (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE, full_name text NOT NULL, phone text, city text NOT NULL, plan text NOT NULL, created_at timestamptz NOT NULL);
    CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), customer_email text NOT NULL, shipped_to text NOT NULL, total numeric(10,2) NOT NULL, status text NOT NULL);
    CREATE TABLE events (id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), ip inet NOT NULL, user_agent text NOT NULL, path text NOT NULL);
    INSERT INTO customers (email, full_name, phone, city, plan, created_at)
      SELECT 'customer' || i || '@mail.test', 'Customer Number ' || i, '+47 9' || lpad(i::text, 7, '0'), 'City ' || (i % 500), (ARRAY['free','pro','team'])[1 + i % 3], now() - (i || ' minutes')::interval
      FROM generate_series(1, ${customers}) AS i;
    INSERT INTO orders (customer_id, customer_email, shipped_to, total, status)
      SELECT 1 + i % ${customers}, 'customer' || (1 + i % ${customers}) || '@mail.test', i || ' Long Street, Town ' || (i % 900), (i % 10000) / 7.0, (ARRAY['new','paid','shipped'])[1 + i % 3]
      FROM generate_series(1, ${scale / 2}) AS i;
    INSERT INTO events (customer_id, ip, user_agent, path)
      SELECT 1 + i % ${customers}, ('10.' || (i % 250) || '.' || (i / 250 % 250) || '.' || (i % 249))::inet, 'Mozilla/5.0 (X11; Linux x86_64) bench/' || (i % 97), '/products/' || (i % 5000)
      FROM generate_series(1, ${customers}) AS i;
    ANALYZE;`,
  );
}

/** pg_dump -Fc of the three tables piped into pg_restore, no anonymisation: the peer. */
async function dumpRestore(server: string, source: string, target: string): Promise<number> {
  const bin = postgresBin()!;
  await run(server, `CREATE DATABASE ${target}`);
  const started = performance.now();
  const env = (database: string): NodeJS.ProcessEnv => ({ PATH: process.env['PATH'], ...libpqEnvironment(connectionOf(on(server, database))) });
  const dump = spawn(join(bin, 'pg_dump'), ['-Fc', '-t', 'customers', '-t', 'orders', '-t', 'events'], {
    env: env(source),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const restore = spawn(join(bin, 'pg_restore'), ['--no-owner', '--exit-on-error', '--dbname', target], {
    env: env(target),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  dump.stdout.pipe(restore.stdin);
  const exited = (child: ReturnType<typeof spawn>, name: string): Promise<void> =>
    new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${String(code)}`)))));
  await Promise.all([exited(dump, 'pg_dump'), exited(restore, 'pg_restore')]);
  const elapsed = performance.now() - started;
  await run(server, `DROP DATABASE ${target} WITH (FORCE)`);
  return elapsed;
}

function peakRssMiB(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Math.round(Number(match![1]) / 1024);
}

async function main(): Promise<void> {
  const server =
    process.env['STAGING_TEST_POSTGRES_URL'] || execFileSync('bash', [join(repoRoot, 'scripts', 'start-postgres.sh')], { encoding: 'utf8' }).trim();
  const suffix = randomBytes(4).toString('hex');
  const source = `bench_src_${suffix}`;
  await run(server, `CREATE DATABASE ${source}`);
  const stagingd = await StagingdProcess.start({ extraArgs: ['--postgres-url', server] });
  try {
    const seeding = performance.now();
    await seed(on(server, source));
    console.log(`seeded ${scale} rows in ${Math.round(performance.now() - seeding)} ms`);
    const config = helloNodeConfig({
      extra: `database:
  engine: postgres
  source: { secret: bench-source }
  tables:
    include: [customers, orders, events]
  anonymize:
    customers:
      email: fake.email
      full_name: fake.name
      phone: fake.phone
      city: fake.city
    orders:
      customer_email: fake.email
      shipped_to: fake.address
      status: keep
    events:
      ip: fake.ipv4
      user_agent: redact
`,
    });
    const repo = helloNodeRepository();
    const created = await stagingd.api('POST', '/v1/projects', { repository: repo.dir, config });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    // The sync tried when the environment was created (before the secret was set) ends first.
    for (;;) {
      const list = await stagingd.api<{ items: { status: string }[] }>('GET', '/v1/projects/hello-node/environments/staging/database/syncs');
      if (list.body.items.every((item) => !['queued', 'running'].includes(item.status))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await stagingd.api('PUT', '/v1/projects/hello-node/secrets/bench-source', { value: on(server, source) });
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      theirs.push(await dumpRestore(server, source, `bench_peer_${suffix}`));
      const started = performance.now();
      const sync = await stagingd.api<{ id: string }>('POST', '/v1/projects/hello-node/environments/staging/database/syncs');
      if (sync.status !== 202) throw new Error(JSON.stringify(sync.body));
      const done = await stagingd.waitForEvent<{ id: string; status: string; reason: string | null }>(
        'database.sync.updated',
        (data) => data.id === sync.body.id && !['queued', 'running'].includes(data.status),
        600_000,
      );
      if (done.status !== 'succeeded') throw new Error(`the sync ${done.status}: ${done.reason ?? ''}`);
      ours.push(performance.now() - started);
      console.log(`round ${round + 1}: stagingd ${Math.round(ours.at(-1)!)} ms, pg_dump | pg_restore ${Math.round(theirs.at(-1)!)} ms`);
    }
    const rss = peakRssMiB(stagingd.child.pid!);
    const a = stats(ours);
    const b = stats(theirs);
    const ratio = a.p50 / b.p50;
    console.log(
      `anonymised sync of ${scale} rows (3 tables, 8 of 18 columns anonymised, the other 10 ids, keys, numbers and dates), median of ${rounds} rounds`,
    );
    console.log(
      `stagingd ${a.p50} ms, pg_dump -Fc | pg_restore (no anonymisation) ${b.p50} ms: ratio ${ratio.toFixed(2)} (target <= 1.5: ${ratio <= 1.5 ? 'met' : 'missed'})`,
    );
    console.log(`stagingd peak RSS ${rss} MiB (target < 300 MiB: ${rss < 300 ? 'met' : 'missed'})`);
    console.log(`BENCH_RESULT ${JSON.stringify({ ours: a, theirs: b, ratio, peakRssMiB: rss })}`);
  } finally {
    await stagingd.api('DELETE', '/v1/projects/hello-node');
    await stagingd.stop();
    await run(server, `DROP DATABASE IF EXISTS ${source} WITH (FORCE)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
