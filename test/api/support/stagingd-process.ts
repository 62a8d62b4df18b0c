import type * as libsql from '@libsql/client' with { 'resolution-mode': 'import' };
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Deployment, Environment } from './api-types';
import { httpRequest } from './http-client';
import { onDatabase, withClient } from './postgres';
import { readEventStream, type SseFrame } from './sse-reader';

// @libsql/client ships CommonJS at run time but declares its types only for ESM.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createClient } = require('@libsql/client') as typeof libsql;

const repoRoot = join(__dirname, '..', '..', '..', '..');

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The Node that runs stagingd: this process's, unless STAGING_TEST_NODE names another (the VS Code harness sets it
 * to its own Node 24, since the tests in the extension host of an older VS Code run on that VS Code's Node).
 */
function stagingdNode(): string {
  return process.env['STAGING_TEST_NODE'] || process.execPath;
}

/**
 * With STAGING_TEST_STORE_URL (a PostgreSQL server), every stagingd keeps its state there (`--store`): a database
 * of its own, named for its data directory so that a restarted stagingd finds its state again, and a secret key
 * made from the same name.
 */
async function storeOf(dataDir: string): Promise<{ url?: string; args: string[]; env: Record<string, string> }> {
  const server = process.env['STAGING_TEST_STORE_URL'];
  if (!server) return { args: [], env: {} };
  const digest = createHash('sha256').update(dataDir).digest();
  const name = `stagingd_${digest.toString('hex').slice(0, 16)}`;
  await withClient(server, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${name}`);
  });
  const url = onDatabase(server, name);
  return { url, args: ['--store', url], env: { STAGINGD_SECRET_KEY: digest.toString('base64') } };
}

/** A real stagingd (bin/stagingd.js) on free loopback ports, with its own data directory. */
export class StagingdProcess {
  private events: (SseFrame & { receivedAt: number })[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly feed = new AbortController();
  output = '';

  private constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
    readonly apiUrl: string,
    readonly proxyPort: number,
    readonly token: string,
    /** The PostgreSQL database holding its state, when it has one (STAGING_TEST_STORE_URL). */
    readonly storeUrl: string | undefined,
  ) {}

  /** Rows of its store (`?` placeholders), read beside it: SQLite's file or its PostgreSQL database. */
  async storeQuery(sql: string, args: (string | number)[] = []): Promise<Record<string, unknown>[]> {
    if (this.storeUrl) {
      let n = 0;
      const numbered = sql.replace(/\?/g, () => `$${++n}`);
      return withClient(this.storeUrl, async (client) => (await client.query(numbered, args)).rows as Record<string, unknown>[]);
    }
    const db = createClient({ url: `file:${join(this.dataDir, 'stagingd.db')}` });
    try {
      return (await db.execute({ sql, args })).rows;
    } finally {
      db.close();
    }
  }

  /** Everything its store holds as bytes: the SQLite file and its write-ahead log, or every PostgreSQL row. */
  async storedBytes(): Promise<Buffer> {
    if (this.storeUrl)
      return withClient(this.storeUrl, async (client) => {
        const tables = await client.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`);
        // One query at a time: a client runs one.
        const rows: Record<string, unknown>[][] = [];
        for (const { table_name } of tables.rows) rows.push((await client.query<Record<string, unknown>>(`SELECT * FROM "${table_name}"`)).rows);
        return Buffer.from(JSON.stringify(rows));
      });
    const file = join(this.dataDir, 'stagingd.db');
    return Buffer.concat([file, `${file}-wal`].filter((each) => existsSync(each)).map((each) => readFileSync(each)));
  }

  /**
   * `replicaOf`: a replica sharing a PostgreSQL store (its URL, the admin token and the secret key every replica of
   * it gets), instead of a store of its own.
   */
  static async start(
    options: {
      dataDir?: string;
      keepWarm?: string;
      tls?: boolean;
      extraArgs?: string[];
      replicaOf?: { storeUrl: string; token: string; secretKey: string };
    } = {},
  ): Promise<StagingdProcess> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'stagingd-test-'));
    const shared = options.replicaOf;
    const store = shared
      ? { url: shared.storeUrl, args: ['--store', shared.storeUrl], env: { STAGINGD_SECRET_KEY: shared.secretKey, STAGINGD_TOKEN: shared.token } }
      : await storeOf(dataDir);
    const child = spawn(
      stagingdNode(),
      [
        join(repoRoot, 'bin', 'stagingd.js'),
        '--data-dir',
        dataDir,
        '--listen',
        '127.0.0.1:0',
        '--proxy-listen',
        '127.0.0.1:0',
        '--keep-warm',
        options.keepWarm ?? '5m',
        ...(options.tls ? ['--tls'] : []),
        ...(options.extraArgs ?? []),
        ...store.args,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, STAGINGD_TOKEN: '', ...store.env },
      },
    );
    let output = '';
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // To read what every stagingd of a run said: STAGING_TEST_STAGINGD_LOG=/tmp/stagingd.log
    const logFile = process.env['STAGING_TEST_STAGINGD_LOG'];
    if (logFile) child.stderr.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk));
    const lines = createInterface({ input: child.stdout });
    const seen: string[] = [];
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`stagingd exited with ${String(code)} before it was ready:\n${output}`)));
      lines.on('line', (line) => {
        seen.push(line);
        if (seen.length === 3) resolve();
      });
    });
    const apiUrl = /^stagingd (\S+) api$/.exec(seen[0]!)![1]!;
    const proxyPort = Number(/:(\d+) previews/.exec(seen[1]!)![1]);
    const token = shared?.token ?? readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const stagingd = new StagingdProcess(child, dataDir, apiUrl, proxyPort, token, store.url);
    child.stderr.on('data', (chunk: Buffer) => (stagingd.output += chunk.toString()));
    stagingd.output = output;
    stagingd.followEvents();
    return stagingd;
  }

  async api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: { token?: string | null; headers?: Record<string, string>; rawBody?: string | Buffer } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.token : options.token;
    if (token) headers['authorization'] = `Bearer ${token}`;
    let payload: string | Buffer | undefined = options.rawBody;
    if (body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['content-type'] ??= 'application/json';
    const response = await httpRequest(`${this.apiUrl}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const type = String(response.headers['content-type'] ?? '');
    return { ...response, body: (type.includes('json') && response.body ? JSON.parse(response.body) : response.body) as T };
  }

  /** A request (GET unless `init` says otherwise) through the preview proxy with the Host of an environment. */
  async preview(host: string, path = '/', headers: Record<string, string> = {}, init: { method?: string; body?: string } = {}): Promise<ApiResponse<string>> {
    return httpRequest(`http://127.0.0.1:${this.proxyPort}${path}`, { ...init, headers: { ...headers, host } });
  }

  private followEvents(): void {
    void (async () => {
      for await (const frame of readEventStream(
        `${this.apiUrl}/v1/events`,
        { authorization: `Bearer ${this.token}`, 'last-event-id': '0' },
        this.feed.signal,
      )) {
        this.events.push({ ...frame, receivedAt: Date.now() });
        for (const wake of [...this.waiters]) wake();
      }
    })().catch(() => undefined);
  }

  /** Waits for an event from /v1/events (including ones already received) that matches. */
  async waitForEvent<T>(type: string, match: (data: T) => boolean, timeoutMs = 30_000): Promise<T> {
    return (await this.waitForEventTimed(type, match, timeoutMs)).data;
  }

  /** waitForEvent, with when (Date.now(): the machine's clock, which a browser on it shares) the event arrived here. */
  async waitForEventTimed<T>(type: string, match: (data: T) => boolean, timeoutMs = 30_000): Promise<{ data: T; receivedAt: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === type && match(JSON.parse(e.data) as T));
      if (found) return { data: JSON.parse(found.data) as T, receivedAt: found.receivedAt };
      if (Date.now() > deadline) throw new Error(`no ${type} event matched within ${timeoutMs} ms; stagingd said:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          this.waiters.delete(wake);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()) + 1);
        this.waiters.add(wake);
      });
    }
  }

  /** The ids of the events of `type` received so far that match. */
  eventIds<T>(type: string, match: (data: T) => boolean): Promise<number[]> {
    return Promise.resolve(this.events.filter((e) => e.event === type && match(JSON.parse(e.data) as T)).map((e) => Number(e.id)));
  }

  /** Waits until the deployment reaches one of the final statuses and returns it. */
  waitForDeployment(id: string, statuses: string[] = ['live', 'failed'], timeoutMs?: number): Promise<Deployment> {
    return this.waitForEvent('deployment.updated', (d: Deployment) => d.id === id && statuses.includes(d.status), timeoutMs);
  }

  /**
   * Polls the API until the environment has one of the statuses (events would not do after a restart: the feed
   * replays the ones from before it).
   */
  async waitForEnvironment(project: string, name: string, statuses: string[], timeoutMs = 30_000): Promise<Environment> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const env = await this.api<Environment>('GET', `/v1/projects/${project}/environments/${name}`);
      if (env.status === 200 && statuses.includes(env.body.status)) return env.body;
      if (performance.now() > deadline)
        throw new Error(`${name} is ${env.body.status}, not ${statuses.join(' or ')}, after ${timeoutMs} ms; stagingd said:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  forgetEvents(): void {
    this.events = [];
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.feed.abort();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill(signal);
    await exited;
  }
}
