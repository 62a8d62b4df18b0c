// npm start's "production" database for the customers example: a PostgreSQL cluster of its own (stagingd's
// EmbeddedPostgres, compiled to out/ by npm run build) with a `customers` database made from the example's schema.sql
// and seed.sql the first time. stagingd reads it as the example's production-database secret and syncs an anonymised
// copy into the staging environment's database, on stagingd's own cluster.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const DATABASE = 'customers';

/**
 * Starts the cluster under `dir` (made there on first use) and loads the example into it once. Resolves to its URL,
 * stop() (a fast shutdown, awaited) and kill() (the same, not awaited: for process.on('exit')), or to a one-line reason
 * when PostgreSQL's server programs are not installed.
 */
export async function startProductionDatabase(root, dir) {
  const { EmbeddedPostgres } = require(join(root, 'out', 'api', 'src', 'databases', 'embedded-postgres.js'));
  if (!EmbeddedPostgres.available()) {
    return { skipped: 'PostgreSQL’s server programs are not installed (Debian: apt-get install postgresql)' };
  }
  mkdirSync(dir, { recursive: true });
  // Its own messages speak of environments' databases; this cluster is the example's production.
  const server = await EmbeddedPostgres.start(dir, () => undefined);
  try {
    const url = new URL(server.url);
    url.pathname = `/${DATABASE}`;
    await loadOnce(server.url, url.toString(), join(root, 'examples', 'customers'));
    return { url: url.toString(), port: url.port, stop: () => server.stop(), kill: () => signalPostmaster(join(dir, 'postgres')) };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

function signalPostmaster(cluster) {
  const pidFile = join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').split('\n')[0]), 'SIGINT');
  } catch {
    // Stopped already.
  }
}

async function withClient(url, work) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function loadOnce(serverUrl, databaseUrl, example) {
  const exists = await withClient(serverUrl, async (client) => (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount > 0);
  if (exists) return;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${DATABASE}`));
  try {
    await withClient(databaseUrl, async (client) => {
      await client.query(readFileSync(join(example, 'schema.sql'), 'utf8'));
      await client.query(readFileSync(join(example, 'seed.sql'), 'utf8'));
    });
  } catch (error) {
    // Loaded completely or not at all: the next start tries again.
    await withClient(serverUrl, (client) => client.query(`DROP DATABASE ${DATABASE}`));
    throw error;
  }
}
