import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import type { ServerLog } from '../logs/server-log';
import { newClient, serverBin } from './postgres-tools';

/** The user PostgreSQL runs as when stagingd is root (PostgreSQL refuses to run as root): nobody. */
const UNPRIVILEGED = 65534;
const SUPERUSER = 'stagingd';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function run(command: string, args: string[], asUser: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(asUser ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED } : {}),
      env: { PATH: process.env['PATH'], LANG: 'C.UTF-8' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${path.basename(command)} failed: ${output.trim().split('\n').slice(-3).join(' ')}`)),
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * stagingd's own PostgreSQL cluster, for environments' databases when it was given no server: made with initdb under
 * the data directory the first time it is needed, started on a free loopback port (TCP only, no Unix socket, password
 * authentication), stopped with stagingd. A cluster a killed stagingd left running is stopped first. As root, the
 * cluster belongs to nobody (PostgreSQL will not run as root) and the data directory becomes traversable (0711, not
 * listable) so it can reach its folder.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | undefined;

  private constructor(
    readonly url: string,
    child: ChildProcess,
  ) {
    this.child = child;
  }

  /** Whether PostgreSQL's server programs are on this machine. */
  static available(): boolean {
    return serverBin() !== undefined;
  }

  static async start(dataDir: string, log: ServerLog): Promise<EmbeddedPostgres> {
    const bin = serverBin();
    if (!bin) throw new Error('PostgreSQL\u2019s server programs (initdb, postgres) are not on this machine');
    const cluster = path.join(dataDir, 'postgres');
    const passwordFile = path.join(dataDir, 'postgres-password');
    const asUser = process.getuid?.() === 0;
    await stopLeftover(cluster);
    if (asUser) {
      privateEntries(dataDir);
      chmodSync(dataDir, 0o711);
    }
    if (!existsSync(path.join(cluster, 'PG_VERSION'))) {
      rmSync(cluster, { recursive: true, force: true });
      mkdirSync(cluster, { mode: 0o700 });
      writeFileSync(passwordFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
      // initdb reads the superuser's password from a file it can open.
      const initPassword = path.join(cluster, '..', `postgres-init-${randomBytes(4).toString('hex')}`);
      writeFileSync(initPassword, readFileSync(passwordFile), { mode: 0o600 });
      if (asUser) {
        chownSync(cluster, UNPRIVILEGED, UNPRIVILEGED);
        chownSync(initPassword, UNPRIVILEGED, UNPRIVILEGED);
      }
      try {
        log('making stagingd\u2019s own PostgreSQL cluster for environments\u2019 databases (initdb)');
        await run(
          path.join(bin, 'initdb'),
          ['-D', cluster, '-U', SUPERUSER, '--pwfile', initPassword, '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C.UTF-8'],
          asUser,
        );
      } finally {
        rmSync(initPassword, { force: true });
      }
    }
    const port = await freePort();
    const child = spawn(
      path.join(bin, 'postgres'),
      ['-D', cluster, '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', 'unix_socket_directories=', '-c', 'logging_collector=off'],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(asUser ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED } : {}), env: { PATH: process.env['PATH'], LANG: 'C.UTF-8' } },
    );
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => (said = (said + chunk.toString()).slice(-2000)));
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(readFileSync(passwordFile, 'utf8').trim())}@127.0.0.1:${port}/postgres`;
    const server = new EmbeddedPostgres(url, child);
    child.once('exit', () => (server.child = undefined));
    for (let attempt = 0; ; attempt++) {
      if (!server.child) throw new Error(`stagingd\u2019s PostgreSQL did not start: ${said.trim().split('\n').slice(-3).join(' ')}`);
      const client = newClient({ connectionString: url });
      try {
        await client.connect();
        await client.end();
        break;
      } catch (error) {
        await client.end().catch(() => undefined);
        if (attempt > 300) throw new Error(`stagingd\u2019s PostgreSQL did not answer: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    log(`stagingd\u2019s own PostgreSQL listens on 127.0.0.1:${port} (its files: ${cluster})`);
    return server;
  }

  /** A fast shutdown: sessions end, nothing is lost. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
}

/**
 * The data directory becomes traversable (0711) for the cluster's user: what it holds under names anyone could guess
 * stays stagingd's alone (the state database and its journal, the mirrors, the logs, the TLS keys, the work folder).
 * Releases are under random names, and theirs belongs to their own user already.
 */
function privateEntries(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    const entry = path.join(dataDir, name);
    const stat = statSync(entry);
    if (stat.isFile()) chmodSync(entry, 0o600);
    else if (stat.isDirectory() && ['repos', 'logs', 'tls', 'tmp'].includes(name)) chmodSync(entry, 0o700);
  }
}

/**
 * A cluster a previous stagingd left running (killed): its postmaster is stopped before this one starts. Only when the
 * pid in its postmaster.pid is that cluster's postmaster still (after a reboot the pid may be anyone's).
 */
async function stopLeftover(cluster: string): Promise<void> {
  const pidFile = path.join(cluster, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  if (!command.includes('postgres') || !command.includes(cluster)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}
