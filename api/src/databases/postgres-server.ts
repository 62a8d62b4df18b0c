import type { ServerLog } from '../logs/server-log';
import { EmbeddedPostgres } from './embedded-postgres';
import { PostgresDatabases } from './postgres-databases';

/**
 * Where environments' databases live: the server stagingd was given (--postgres-url), or its own cluster, started
 * the first time a database is needed (most stagingds never need one) and stopped with stagingd.
 */
export interface PostgresServer {
  /** Said at start: which server, or why there is none. */
  readonly description: string;
  databases(): Promise<PostgresDatabases>;
  /** The databases when the server has ever been used (an embedded cluster that was never made has none to drop). */
  existing(): Promise<PostgresDatabases | undefined>;
  close(): Promise<void>;
}

type RolePassword = (name: string) => string;

export function givenServer(url: string, password: RolePassword): PostgresServer {
  const databases = new PostgresDatabases(url, password);
  return {
    description: 'environments\u2019 own databases are made on the PostgreSQL server given (--postgres-url)',
    databases: () => Promise.resolve(databases),
    existing: () => Promise.resolve(databases),
    close: () => Promise.resolve(),
  };
}

export function embeddedServer(dataDir: string, password: RolePassword, log: ServerLog, used: () => boolean): PostgresServer {
  let starting: Promise<{ server: EmbeddedPostgres; databases: PostgresDatabases }> | undefined;
  const start = (): Promise<{ server: EmbeddedPostgres; databases: PostgresDatabases }> => {
    starting ??= EmbeddedPostgres.start(dataDir, log).then((server) => ({ server, databases: new PostgresDatabases(server.url, password) }));
    // A failed start is tried again by the next caller.
    starting.catch(() => (starting = undefined));
    return starting;
  };
  return {
    description:
      'no PostgreSQL server given (--postgres-url): environments\u2019 own databases go to a cluster stagingd makes under its data directory when one is first needed',
    databases: async () => (await start()).databases,
    existing: async () => (starting || used() ? (await start()).databases : undefined),
    close: async () => {
      if (!starting) return;
      const started = await starting.catch(() => undefined);
      await started?.server.stop();
    },
  };
}

/** The server for environments' databases: the one given, else an embedded cluster where PostgreSQL is installed, else none. */
export function postgresServer(
  dataDir: string,
  url: string | undefined,
  password: RolePassword,
  log: ServerLog,
  used: () => boolean,
): PostgresServer | undefined {
  if (url) return givenServer(url, password);
  if (EmbeddedPostgres.available()) return embeddedServer(dataDir, password, log, used);
  return undefined;
}
