import { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import { LogFrameDecoder, type LogStreamName } from './log-frames';
import { buildContext } from './tar';

/**
 * A minimal typed client of the Docker Engine API over its unix socket: enough to build an image
 * from a directory, run it as a container with a published port and memory/CPU limits, follow its
 * logs, stop and remove it, and find it again after a restart (by label).
 *
 * The API version is pinned to v1.41 (dockerd 20.10, Debian bookworm's docker.io; newer engines
 * still serve it) and lowered by `ping()` when the engine is older.
 */

export const DEFAULT_API_VERSION = '1.41';

export class DockerEngineError extends Error {
  constructor(
    message: string,
    /** The engine's HTTP status; 0 when the engine could not be reached or the stream broke. */
    readonly statusCode: number,
  ) {
    super(message);
    this.name = 'DockerEngineError';
  }
}

export interface DockerEngineOptions {
  socketPath: string;
  /** "1.41" by default. */
  apiVersion?: string;
}

export interface BuildOptions {
  /** Path of the Dockerfile inside the context; "Dockerfile" by default. */
  dockerfile?: string;
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  noCache?: boolean;
  /** Aborting it cancels the build (the engine stops it when the request goes away). */
  signal?: AbortSignal;
}

export interface ContainerSpec {
  image: string;
  /** The container's name (engine-generated when absent). */
  name?: string;
  env?: Record<string, string>;
  /** The port the app listens on inside the container (TCP). */
  port: number;
  /** The host port it is published on; absent: one the engine picks (see `publishedPort`). */
  hostPort?: number;
  /** The host address it is published on: 127.0.0.1 by default. */
  hostIp?: string;
  /** Memory limit (cgroup), MiB; swap is not allowed beyond it. */
  memoryMiB?: number;
  /** CPU limit in cores, e.g. 0.5 (cgroup CFS quota). */
  cpus?: number;
  /** Most processes the container may have (cgroup pids controller). */
  pidsLimit?: number;
  labels?: Record<string, string>;
  /** Overrides the image's CMD. */
  cmd?: string[];
  workingDir?: string;
  /** Runs docker-init (tini) as PID 1 so that SIGTERM reaches the app and zombies are reaped: true by default. */
  init?: boolean;
}

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** The parts of GET /containers/{id}/json that stagingd reads. */
export interface ContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  Config: {
    Image: string;
    Env: string[] | null;
    Labels: Record<string, string> | null;
    Tty: boolean;
    ExposedPorts?: Record<string, object> | null;
  };
  State: {
    Status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
    Running: boolean;
    Paused: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    Dead: boolean;
    Pid: number;
    ExitCode: number;
    Error: string;
    StartedAt: string;
    FinishedAt: string;
  };
  HostConfig: {
    Memory: number;
    MemorySwap: number;
    NanoCpus: number;
    PidsLimit: number | null;
    Init: boolean | null;
    PortBindings: Record<string, PortBinding[] | null> | null;
  };
  NetworkSettings: {
    Ports: Record<string, PortBinding[] | null> | null;
  };
}

/** An entry of GET /containers/json. */
export interface ContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  Created: number;
  Labels: Record<string, string>;
  State: string;
  Status: string;
  Ports: { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }[];
}

/** An entry of GET /images/json. */
export interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  Created: number;
  Size: number;
  Labels: Record<string, string> | null;
}

export interface LogOptions {
  /** Keep the stream open for new output until the container stops: true by default. */
  follow?: boolean;
  /** Only output since this time (Unix seconds). */
  since?: number;
  /** Only the last N lines of what is already there ("all" by default). */
  tail?: number;
  /** Prefix each line with the engine's RFC 3339 timestamp and a space. */
  timestamps?: boolean;
}

/** A filter of the engine's list endpoints: "key" or "key=value", or several (all must match). */
export type LabelFilter = string | string[];

interface CallOptions {
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  body?: Readable;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** ms to wait for the response headers; the default suits quick calls. */
  headersTimeout?: number;
  /** ms of silence allowed in the body; 0 for streams. */
  bodyTimeout?: number;
}

function compareVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

function labelFilters(label: LabelFilter | undefined): string | undefined {
  if (label === undefined) return undefined;
  return JSON.stringify({ label: Array.isArray(label) ? label : [label] });
}

/** Splits a stream of newline-separated JSON messages (as /build sends them) into parsed objects. */
async function* jsonLines(body: AsyncIterable<Buffer>): AsyncGenerator<Record<string, unknown>> {
  let rest = '';
  const decoder = new TextDecoder();
  const parse = (line: string): Record<string, unknown> | undefined => {
    const trimmed = line.trim();
    if (!trimmed) return undefined;
    try {
      return JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      return { stream: `${trimmed}\n` };
    }
  };
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = rest.indexOf('\n')) !== -1) {
      const message = parse(rest.slice(0, newline));
      rest = rest.slice(newline + 1);
      if (message) yield message;
    }
  }
  const last = parse(rest + decoder.decode());
  if (last) yield last;
}

export class DockerEngine {
  readonly socketPath: string;
  private apiVersion: string;
  private readonly pool: Pool;

  constructor(options: DockerEngineOptions) {
    this.socketPath = options.socketPath;
    this.apiVersion = options.apiVersion ?? DEFAULT_API_VERSION;
    // A pool, not one connection: followed logs and waits hold theirs open while other calls go on.
    this.pool = new Pool('http://docker', { socketPath: options.socketPath, connections: null });
  }

  /** The API version requests are sent with. */
  get version(): string {
    return this.apiVersion;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async call(method: Dispatcher.HttpMethod, path: string, options: CallOptions = {}): Promise<Dispatcher.ResponseData> {
    const query = options.query ? Object.fromEntries(Object.entries(options.query).filter(([, value]) => value !== undefined)) : undefined;
    const headers: Record<string, string> = { ...options.headers };
    let body: string | Readable | undefined = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    try {
      return await this.pool.request({
        method,
        path: path === '/_ping' ? path : `/v${this.apiVersion}${path}`,
        ...(query ? { query } : {}),
        headers,
        body: body ?? null,
        signal: options.signal ?? null,
        headersTimeout: options.headersTimeout ?? 60_000,
        bodyTimeout: options.bodyTimeout ?? 60_000,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new DockerEngineError(`Docker Engine at ${this.socketPath}: ${method} ${path} failed: ${reason}`, 0);
    }
  }

  /** Throws the engine's message for an error status; a status in `accept` is not an error. */
  private async check(response: Dispatcher.ResponseData, what: string, accept: number[] = []): Promise<void> {
    if (response.statusCode < 400 || accept.includes(response.statusCode)) return;
    const text = await response.body.text();
    let message = text.trim();
    try {
      const parsed = JSON.parse(text) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // Not JSON: the text itself.
    }
    throw new DockerEngineError(`${what}: ${message || `HTTP ${response.statusCode}`}`, response.statusCode);
  }

  private async json<T>(method: Dispatcher.HttpMethod, path: string, what: string, options?: CallOptions): Promise<T> {
    const response = await this.call(method, path, options);
    await this.check(response, what);
    return (await response.body.json()) as T;
  }

  /** Like `json` without a body to read; resolves with the status (one of `accept` or 2xx). */
  private async empty(method: Dispatcher.HttpMethod, path: string, what: string, options?: CallOptions, accept: number[] = []): Promise<number> {
    const response = await this.call(method, path, options);
    await this.check(response, what, accept);
    await response.body.dump();
    return response.statusCode;
  }

  /** Checks the engine answers, and lowers the API version to the engine's when it is older. */
  async ping(): Promise<{ apiVersion: string }> {
    const response = await this.call('GET', '/_ping', { headersTimeout: 5000, bodyTimeout: 5000 });
    await this.check(response, 'ping');
    await response.body.dump();
    const engineVersion = response.headers['api-version'];
    if (typeof engineVersion === 'string' && compareVersions(engineVersion, this.apiVersion) < 0) this.apiVersion = engineVersion;
    return { apiVersion: typeof engineVersion === 'string' ? engineVersion : this.apiVersion };
  }

  /** GET /version: the engine's version, API version and platform. */
  engineVersion(): Promise<{ Version: string; ApiVersion: string; MinAPIVersion?: string; Os: string; Arch: string; KernelVersion?: string }> {
    return this.json('GET', '/version', 'version');
  }

  /**
   * Builds `tag` from `contextDir` (sent as a tar stream without `.git` and what `.dockerignore` leaves
   * out). Each line of the build's output goes to `onLog`; a failed step rejects with the engine's
   * message. Resolves with the image's id.
   */
  async buildImage(contextDir: string, tag: string, onLog: (line: string) => void, options: BuildOptions = {}): Promise<{ imageId: string }> {
    const context = Readable.from(await buildContext(contextDir, options.dockerfile));
    const response = await this.call('POST', '/build', {
      query: {
        t: tag,
        dockerfile: options.dockerfile,
        rm: true,
        forcerm: true,
        nocache: options.noCache ? true : undefined,
        buildargs: options.buildArgs ? JSON.stringify(options.buildArgs) : undefined,
        labels: options.labels ? JSON.stringify(options.labels) : undefined,
      },
      headers: { 'content-type': 'application/x-tar' },
      body: context,
      ...(options.signal ? { signal: options.signal } : {}),
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    await this.check(response, `build of ${tag}`);
    let imageId: string | undefined;
    let partial = '';
    const text = (value: string): void => {
      const lines = (partial + value).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLog(line.replace(/\r$/, ''));
    };
    for await (const message of jsonLines(response.body as AsyncIterable<Buffer>)) {
      if (typeof message.stream === 'string') text(message.stream);
      else if (typeof message.status === 'string') text(`${typeof message.id === 'string' ? `${message.id}: ` : ''}${message.status}\n`);
      const aux = message.aux as { ID?: unknown } | undefined;
      if (aux && typeof aux.ID === 'string') imageId = aux.ID;
      const detail = message.errorDetail as { message?: unknown } | undefined;
      const error = typeof message.error === 'string' ? message.error : typeof detail?.message === 'string' ? detail.message : undefined;
      if (error !== undefined) {
        if (partial) onLog(partial);
        onLog(error);
        throw new DockerEngineError(`build of ${tag} failed: ${error}`, 200);
      }
    }
    if (partial) onLog(partial);
    if (!imageId) {
      // Engines that send no aux ID still have the tag: its id is the image's.
      imageId = (await this.inspectImage(tag)).Id;
    }
    return { imageId };
  }

  inspectImage(
    name: string,
  ): Promise<{ Id: string; RepoTags: string[] | null; RepoDigests: string[] | null; Config: { Labels: Record<string, string> | null } | null; Size: number }> {
    return this.json('GET', `/images/${encodeURIComponent(name)}/json`, `image ${name}`);
  }

  /** Gives an image another name, `repository:tag`. */
  async tagImage(name: string, repository: string, tag: string): Promise<void> {
    await this.empty('POST', `/images/${encodeURIComponent(name)}/tag`, `tag ${name} as ${repository}:${tag}`, { query: { repo: repository, tag } });
  }

  /**
   * Pushes `repository:tag` to its registry (anonymously: the engine's own credentials are not used), each progress
   * line to `onLog`; resolves with the manifest's digest the registry answered (`sha256:…`).
   */
  async pushImage(repository: string, tag: string, onLog: (line: string) => void, signal?: AbortSignal): Promise<{ digest: string }> {
    const response = await this.call('POST', `/images/${encodeURIComponent(repository)}/push`, {
      query: { tag },
      // The engine requires the header; an empty credential pushes anonymously.
      headers: { 'X-Registry-Auth': Buffer.from('{}').toString('base64url') },
      ...(signal ? { signal } : {}),
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    await this.check(response, `push of ${repository}:${tag}`);
    let digest: string | undefined;
    for await (const message of jsonLines(response.body as AsyncIterable<Buffer>)) {
      const detail = message.errorDetail as { message?: unknown } | undefined;
      const error = typeof message.error === 'string' ? message.error : typeof detail?.message === 'string' ? detail.message : undefined;
      if (error !== undefined) throw new DockerEngineError(`push of ${repository}:${tag} failed: ${error}`, 200);
      const aux = message.aux as { Digest?: unknown } | undefined;
      if (aux && typeof aux.Digest === 'string') digest = aux.Digest;
      // Progress repeats many times per layer; its last word (Pushed, Layer already exists) is enough.
      if (typeof message.status === 'string' && !['Preparing', 'Waiting', 'Pushing'].includes(message.status))
        onLog(`${typeof message.id === 'string' ? `${message.id}: ` : ''}${message.status}`);
    }
    if (!digest) throw new DockerEngineError(`push of ${repository}:${tag}: the engine reported no digest`, 200);
    return { digest };
  }

  listImages(options: { label?: LabelFilter } = {}): Promise<ImageSummary[]> {
    return this.json('GET', '/images/json', 'list images', { query: { filters: labelFilters(options.label) } });
  }

  /** Removes an image (tag or id); false when there was none. */
  async removeImage(name: string, options: { force?: boolean } = {}): Promise<boolean> {
    const status = await this.empty(
      'DELETE',
      `/images/${encodeURIComponent(name)}`,
      `remove image ${name}`,
      { query: { force: options.force ?? false } },
      [404],
    );
    return status !== 404;
  }

  /** Creates (does not start) a container publishing `spec.port` on the host's 127.0.0.1. */
  async createContainer(spec: ContainerSpec): Promise<{ id: string; warnings: string[] }> {
    const portKey = `${spec.port}/tcp`;
    const memory = spec.memoryMiB ? Math.round(spec.memoryMiB * 1024 * 1024) : undefined;
    const body = {
      Image: spec.image,
      Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
      Labels: spec.labels ?? {},
      ExposedPorts: { [portKey]: {} },
      ...(spec.cmd ? { Cmd: spec.cmd } : {}),
      ...(spec.workingDir ? { WorkingDir: spec.workingDir } : {}),
      HostConfig: {
        PortBindings: { [portKey]: [{ HostIp: spec.hostIp ?? '127.0.0.1', HostPort: spec.hostPort ? String(spec.hostPort) : '' }] },
        Init: spec.init ?? true,
        ...(memory ? { Memory: memory, MemorySwap: memory } : {}),
        ...(spec.cpus ? { NanoCpus: Math.round(spec.cpus * 1e9) } : {}),
        ...(spec.pidsLimit ? { PidsLimit: spec.pidsLimit } : {}),
        RestartPolicy: { Name: 'no' },
        LogConfig: { Type: 'json-file', Config: {} },
      },
    };
    const created = await this.json<{ Id: string; Warnings: string[] | null }>('POST', '/containers/create', `create container from ${spec.image}`, {
      query: { name: spec.name },
      json: body,
    });
    return { id: created.Id, warnings: created.Warnings ?? [] };
  }

  /** Starts a created container (already running is fine). */
  async startContainer(id: string): Promise<void> {
    await this.empty('POST', `/containers/${encodeURIComponent(id)}/start`, `start container ${id}`, {}, [304]);
  }

  inspect(id: string): Promise<ContainerInspect> {
    return this.json('GET', `/containers/${encodeURIComponent(id)}/json`, `container ${id}`);
  }

  /**
   * Follows the container's output until it stops or `signal` aborts (then it resolves), one call of
   * `onLine` per line, stdout and stderr told apart.
   */
  async containerLogs(id: string, onLine: (line: string, stream: LogStreamName) => void, signal?: AbortSignal, options: LogOptions = {}): Promise<void> {
    if (signal?.aborted) return;
    const { Config } = await this.inspect(id);
    const decoder = new LogFrameDecoder(onLine, !Config.Tty);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.call('GET', `/containers/${encodeURIComponent(id)}/logs`, {
        query: {
          follow: options.follow ?? true,
          stdout: true,
          stderr: true,
          timestamps: options.timestamps ?? false,
          since: options.since,
          tail: options.tail ?? 'all',
        },
        ...(signal ? { signal } : {}),
        headersTimeout: 60_000,
        bodyTimeout: 0,
      });
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    await this.check(response, `logs of container ${id}`);
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) decoder.push(chunk);
    } catch (error) {
      if (!signal?.aborted) throw new DockerEngineError(`logs of container ${id}: ${error instanceof Error ? error.message : String(error)}`, 0);
    } finally {
      decoder.end();
    }
  }

  /** Resolves when the container is not running (at once if it is not), with its exit code. */
  async waitExit(id: string, signal?: AbortSignal): Promise<{ exitCode: number; error?: string }> {
    const result = await this.json<{ StatusCode: number; Error?: { Message?: string } | null }>(
      'POST',
      `/containers/${encodeURIComponent(id)}/wait`,
      `wait for container ${id}`,
      {
        query: { condition: 'not-running' },
        ...(signal ? { signal } : {}),
        headersTimeout: 0,
        bodyTimeout: 0,
      },
    );
    return { exitCode: result.StatusCode, ...(result.Error?.Message ? { error: result.Error.Message } : {}) };
  }

  /** SIGTERM (the image's stop signal), then SIGKILL after `timeoutSec`; already stopped is fine. */
  async stopContainer(id: string, timeoutSec = 10): Promise<void> {
    await this.empty(
      'POST',
      `/containers/${encodeURIComponent(id)}/stop`,
      `stop container ${id}`,
      { query: { t: timeoutSec }, headersTimeout: (timeoutSec + 60) * 1000 },
      [304],
    );
  }

  /** Removes a container (and its anonymous volumes); `force` kills it first if it runs. False when there was none. */
  async removeContainer(id: string, options: { force?: boolean } = {}): Promise<boolean> {
    const status = await this.empty(
      'DELETE',
      `/containers/${encodeURIComponent(id)}`,
      `remove container ${id}`,
      { query: { force: options.force ?? false, v: true }, headersTimeout: 120_000 },
      [404],
    );
    return status !== 404;
  }

  /** Containers, stopped ones too unless `all` is false, e.g. `{ label: 'dev.staging.deployment' }` to find ours after a restart. */
  listContainers(options: { label?: LabelFilter; all?: boolean } = {}): Promise<ContainerSummary[]> {
    return this.json('GET', '/containers/json', 'list containers', { query: { all: options.all ?? true, filters: labelFilters(options.label) } });
  }
}

/** The host port a container's `port`/tcp was published on (after start), or undefined. */
export function publishedPort(container: ContainerInspect, port: number): number | undefined {
  const bindings = container.NetworkSettings.Ports?.[`${port}/tcp`];
  const hostPort = bindings?.find((binding) => binding.HostPort)?.HostPort;
  return hostPort ? Number(hostPort) : undefined;
}
