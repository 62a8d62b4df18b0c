import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Client, type ClientConfig } from 'pg';

/** How pg_dump and pg_restore reach a server without a password on their command line (where `ps` shows it). */
export interface Connection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  /** Extra libpq settings from the URL's query, e.g. sslmode. */
  options: Record<string, string>;
  /** The role to act as once connected (SET ROLE): what is made is then that role's. */
  role?: string;
}

export function connectionOf(url: string): Connection {
  const parsed = new URL(url);
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error('is not a postgres:// URL');
  return {
    host: decodeURIComponent(parsed.hostname.replace(/^\[|\]$/g, '')) || 'localhost',
    port: Number(parsed.port || 5432),
    database: decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username),
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    options: Object.fromEntries(parsed.searchParams),
  };
}

/** libpq's variables for a connection: what a child process (pg_dump, a release) needs to reach it. */
export function libpqEnvironment(connection: Connection): Record<string, string> {
  const env: Record<string, string> = {
    PGHOST: connection.host,
    PGPORT: String(connection.port),
    PGDATABASE: connection.database,
    PGUSER: connection.user,
    PGPASSWORD: connection.password,
  };
  if (connection.options['sslmode']) env['PGSSLMODE'] = connection.options['sslmode'];
  return env;
}

/**
 * The folder of the newest PostgreSQL client programs on the machine: pg_dump must be at least as new as the server it
 * reads. Debian keeps each major version in /usr/lib/postgresql/<major>/bin; elsewhere they are on PATH.
 */
export function postgresBin(): string | undefined {
  const debian = '/usr/lib/postgresql';
  const majors = existsSync(debian)
    ? readdirSync(debian)
        .filter((name) => /^\d+$/.test(name) && existsSync(path.join(debian, name, 'bin', 'pg_dump')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0]) return path.join(debian, majors[0], 'bin');
  for (const folder of (process.env['PATH'] ?? '').split(path.delimiter)) if (folder && existsSync(path.join(folder, 'pg_dump'))) return folder;
  return undefined;
}

/** The folder of the newest PostgreSQL server programs (initdb, postgres), for stagingd's own cluster. */
export function serverBin(): string | undefined {
  const debian = '/usr/lib/postgresql';
  if (!existsSync(debian)) return undefined;
  const major = readdirSync(debian)
    .filter((name) => /^\d+$/.test(name) && existsSync(path.join(debian, name, 'bin', 'initdb')) && existsSync(path.join(debian, name, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a))[0];
  return major ? path.join(debian, major, 'bin') : undefined;
}

/** Runs a PostgreSQL client program; rejects with its own last lines of stderr (never the password: it is in the environment). */
export function runTool(bin: string, program: 'pg_dump' | 'pg_restore', args: string[], connection: Connection, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      path.join(bin, program),
      args,
      {
        env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LANG: 'C.UTF-8', ...libpqEnvironment(connection) },
        signal,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
        const said = stderr.trim().split('\n').slice(-5).join(' ');
        reject(new Error(`${program} failed: ${said || error.message}`));
      },
    );
  });
}

/**
 * A pg client whose connection may drop at any time (a release ends its backend, a server restarts) without taking
 * stagingd down: pg emits 'error' on the client, fatal with no listener; the query under way rejects on its own.
 */
export function newClient(config: ClientConfig): Client {
  const client = new Client(config);
  client.on('error', () => undefined);
  return client;
}

/** Cuts a client's connection at once (a cancelled sync): its query under way rejects, whatever it was waiting for. */
export function cutConnection(client: Client): void {
  (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
}
