import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { Client } from 'pg';
import { connectionOf, newClient, type Connection } from './postgres-tools';

/** How a release reaches its environment's database: DATABASE_URL, and libpq's PG* variables. */
export interface EnvironmentDatabase {
  url: string;
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
}

const MAX_IDENTIFIER = 63;

/** The environment's database's comment after a switch: this, and the work database name of the sync. */
const SWITCHED_BY = 'stagingd sync ';

/**
 * The name of an environment's database, and of the role that owns it: `stg_<project>_<environment>`. Project and
 * environment names have no underscore, so the one after the project tells them apart (dashes stay: with them as
 * underscores, shop-eu/staging and shop/eu-staging would share a database). PostgreSQL keeps 63 bytes of a name: a
 * longer one is cut and ends with a hash of the whole, so two environments never share one.
 */
export function databaseName(project: string, environment: string): string {
  const name = `stg_${project}_${environment}`;
  if (name.length <= MAX_IDENTIFIER) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_IDENTIFIER - hash.length - 1)}_${hash}`;
}

/**
 * A database per environment on the PostgreSQL server stagingd was given (--postgres-url: a role with CREATEDB and
 * CREATEROLE), each owned by a role of its own that can connect to it and to no other environment's. The role's
 * password is derived from stagingd's secret key (`password(name)`), so nothing more is stored, and the server's own
 * credentials never reach a release.
 */
export class PostgresDatabases {
  private readonly server: URL;

  constructor(
    serverUrl: string,
    private readonly password: (name: string) => string,
  ) {
    this.server = new URL(serverUrl);
  }

  private async admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = newClient({ connectionString: this.server.toString(), application_name: 'stagingd' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** Makes the environment's role and database when they do not exist yet (again: the same ones), and says how to reach them. */
  async ensure(project: string, environment: string): Promise<EnvironmentDatabase> {
    const name = databaseName(project, environment);
    const password = this.password(name);
    await this.admin(async (client) => {
      const role = client.escapeIdentifier(name);
      // The server is sent a SCRAM verifier, never the password (which a statement log would keep).
      const secret = client.escapeLiteral(scramVerifier(password));
      const roleExists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount === 1;
      // No CREATEDB or CREATEROLE: the release gets its database and nothing else (it owns the database, and through
      // pg_database_owner its public schema: so not NOINHERIT). Made by someone else meanwhile: the same.
      if (!roleExists) await alreadyMade(client.query(`CREATE ROLE ${role} LOGIN NOCREATEDB NOCREATEROLE PASSWORD ${secret}`));
      await client.query(`ALTER ROLE ${role} PASSWORD ${secret}`);
      // To create a database owned by a role, the creator must be a member of it.
      await client.query(`GRANT ${role} TO CURRENT_USER`);
      const databaseExists = (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
      // From template0: template1 is open to every role's CONNECT, and what a release left in it would be copied here.
      if (!databaseExists) await alreadyMade(client.query(`CREATE DATABASE ${role} OWNER ${role} TEMPLATE template0 ENCODING 'UTF8'`));
      // A switch cut short (stagingd killed in it) may have left the database closed.
      else await client.query(`ALTER DATABASE ${role} WITH ALLOW_CONNECTIONS true`);
      // Nobody else connects: not the other environments' roles. Its own role does (again, after a cut-short switch).
      await client.query(`REVOKE ALL ON DATABASE ${role} FROM PUBLIC`);
      await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${role} TO ${role}`);
    });
    const host = this.server.hostname.replace(/^\[|\]$/g, '');
    const port = Number(this.server.port || 5432);
    const url = new URL(`postgres://${host.includes(':') ? `[${host}]` : host}:${port}/`);
    url.username = name;
    url.password = password;
    url.pathname = `/${name}`;
    return { url: url.toString(), host, port, database: name, user: name, password };
  }

  /**
   * A new empty database owned by the environment's role (made first, as ensure does), where a sync builds its copy.
   * The connection is stagingd's own, acting as that role (`role`): the role itself cannot connect until the switch.
   */
  async createWorkDatabase(project: string, environment: string, workName: string): Promise<Connection> {
    const live = await this.ensure(project, environment);
    await this.admin(async (client) => {
      const work = client.escapeIdentifier(workName);
      const owner = client.escapeIdentifier(live.user);
      await client.query(`CREATE DATABASE ${work} OWNER ${owner} TEMPLATE template0 ENCODING 'UTF8'`);
      // Until the switch only stagingd connects (acting as the owner): a release must not reach the copy being built.
      await client.query(`REVOKE ALL ON DATABASE ${work} FROM PUBLIC, ${owner}`);
      await client.query(`GRANT CONNECT ON DATABASE ${work} TO CURRENT_USER`);
    });
    return { ...connectionOf(this.server.toString()), database: workName, role: live.user };
  }

  /**
   * The sync's copy becomes the environment's database, in one transaction: the release's connections to the old one
   * are ended (new ones wait for no one: the old database refuses them first), and the old data takes the work
   * database's name, for the caller to drop once it has recorded the switch (dropWorkDatabase). A crash before the
   * commit changes nothing; after it, only `workName` is left over.
   */
  async switchTo(project: string, environment: string, workName: string): Promise<void> {
    const name = databaseName(project, environment);
    await this.admin(async (client) => {
      const live = client.escapeIdentifier(name);
      const work = client.escapeIdentifier(workName);
      const parked = client.escapeIdentifier(`${workName}_old`);
      await client.query(`ALTER DATABASE ${live} WITH ALLOW_CONNECTIONS false`);
      let switched = false;
      try {
        await endSessions(client, name);
        await client.query('BEGIN');
        await client.query(`ALTER DATABASE ${work} RENAME TO ${parked}`);
        await client.query(`ALTER DATABASE ${live} RENAME TO ${work}`);
        await client.query(`ALTER DATABASE ${parked} RENAME TO ${live}`);
        // Its role connects to the copy from the same moment on.
        await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${live} TO ${live}`);
        // Which sync's copy it is, committed with the switch: a stagingd killed before it recorded the switch learns it.
        await client.query(`COMMENT ON DATABASE ${live} IS ${client.escapeLiteral(`${SWITCHED_BY}${workName}`)}`);
        await client.query('COMMIT');
        switched = true;
      } finally {
        // Whatever failed, the environment's database (the old one then) takes connections again.
        if (!switched) {
          await client.query('ROLLBACK').catch(() => undefined);
          await client.query(`ALTER DATABASE ${live} WITH ALLOW_CONNECTIONS true`).catch(() => undefined);
        }
      }
    });
  }

  /** The work database name of the sync whose copy the environment's database is (none before its first sync). */
  async switchedBy(project: string, environment: string): Promise<string | undefined> {
    const comment = await this.admin(async (client) => {
      const { rows } = await client.query<{ comment: string | null }>(
        "SELECT pg_catalog.shobj_description(oid, 'pg_database') AS comment FROM pg_catalog.pg_database WHERE datname = $1",
        [databaseName(project, environment)],
      );
      return rows[0]?.comment ?? undefined;
    });
    return comment?.startsWith(SWITCHED_BY) ? comment.slice(SWITCHED_BY.length) : undefined;
  }

  /** The sync work databases on the server (`stg_sync_<16 hex>`, and `_old` ones a switch cut short left). */
  async workDatabases(): Promise<string[]> {
    return this.admin(async (client) => {
      const { rows } = await client.query<{ name: string }>("SELECT datname AS name FROM pg_database WHERE datname ~ '^stg_sync_[0-9a-f]{16}(_old)?$'");
      return [...new Set(rows.map((row) => row.name.replace(/_old$/, '')))];
    });
  }

  /** Drops a sync's work database, if it is there (a sync that failed, or one a killed stagingd left). */
  async dropWorkDatabase(workName: string): Promise<void> {
    if (!/^stg_sync_[0-9a-f]{16}$/.test(workName)) throw new Error(`not a sync's work database: ${workName}`);
    await this.admin(async (client) => {
      await dropDatabase(client, workName);
      await dropDatabase(client, `${workName}_old`);
    });
  }

  /** Drops the environment's database (ending its connections) and its role. */
  async drop(project: string, environment: string): Promise<void> {
    const name = databaseName(project, environment);
    await this.admin(async (client) => {
      const role = client.escapeIdentifier(name);
      await dropDatabase(client, name);
      await client.query(`DROP ROLE IF EXISTS ${role}`);
    });
  }
}

/**
 * Ends the client sessions on a database (a release's). Not DROP ... WITH (FORCE) nor every backend: an autovacuum
 * worker is the server's own, which only a superuser may end (stagingd's role is not one); the server ends it itself
 * when the database is renamed or dropped.
 */
async function endSessions(client: Client, database: string): Promise<void> {
  await client.query(
    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    [database],
  );
}

/** Drops a database if it is there: closed to new sessions first, then its sessions ended. */
async function dropDatabase(client: Client, database: string): Promise<void> {
  if ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 0) return;
  const quoted = client.escapeIdentifier(database);
  await client.query(`ALTER DATABASE ${quoted} WITH ALLOW_CONNECTIONS false`);
  await endSessions(client, database);
  await client.query(`DROP DATABASE IF EXISTS ${quoted}`);
}

/** A CREATE that lost a race to the same CREATE elsewhere (the role or database exists now): done all the same. */
async function alreadyMade(creating: Promise<unknown>): Promise<void> {
  try {
    await creating;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== '42710' && code !== '42P04') throw error;
  }
}

/** PostgreSQL's SCRAM-SHA-256 verifier of a password (RFC 7677, as the server stores it): the password never travels. */
function scramVerifier(password: string): string {
  const salt = randomBytes(16);
  const iterations = 4096;
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}
