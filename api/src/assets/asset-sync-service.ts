import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { StagingConfig, VariableValue } from '../../../common/src/config/model';
import type { LogStore } from '../logs/log-store';
import type { ServerLog } from '../logs/server-log';
import type { AssetMount, Sandbox } from '../runtime/sandbox';
import type { RouteTable } from '../runtime/route-table';
import { ASSETS_PREFIX } from '../proxy/asset-files';
import type { AssetSyncRecord, AssetSyncTrigger } from '../store/asset-syncs';
import type { EnvironmentRecord } from '../store/records';
import { now } from '../store/records';
import type { Stores } from '../store/stores';
import type { CopyJob, CopyResult } from './asset-copy-tool';
import { describeAssetSource, parseAssetSource, type AssetSource } from './asset-source';
import { presentAssetSync } from './asset-sync-presenter';
import { mirrorS3 } from './s3-mirror';

/** A sync that cannot start: the API answers 409 with its message. */
export class AssetSyncConflict extends Error {}

/** What the API says of an environment's assets. */
export interface AssetState {
  enabled: boolean;
  available: boolean;
  reason: string | null;
  source: string | null;
  target: string | null;
}

export interface AssetSyncDependencies {
  stores: Stores;
  logs: LogStore;
  dataDir: string;
  /** The local runner's sandbox: undefined with the Docker runner, which mounts no asset folder into containers. */
  sandbox: Sandbox | undefined;
  /** Where the preview proxy finds each environment's assets. */
  routes: RouteTable;
  log: ServerLog;
  /** The compiled copy tool (its text runs with `node -e` in the sandbox). */
  copyTool: string;
}

/**
 * staging.yaml's `assets`: production's files copied into each staging environment's asset folder, which its
 * releases see at `assets.target`. The copy runs in the release sandbox as the release's user (the folder is the
 * release's, and a link it planted must lead nowhere of stagingd's); an S3 source is first mirrored into stagingd's
 * own folder. Syncs run one at a time per environment, each with a record and a log.
 */
export class AssetSyncService {
  private readonly running = new Map<string, { environmentId: string; controller: AbortController; done: Promise<void> }>();

  constructor(private readonly deps: AssetSyncDependencies) {}

  /** The environment's asset folder: `files/` (what releases see at target) and the copy's manifest. */
  folder(environmentId: string): string {
    return path.join(this.deps.dataDir, 'environment-assets', environmentId);
  }

  state(config: StagingConfig, env: Pick<EnvironmentRecord, 'kind'>): AssetState {
    const assets = config.assets;
    if (!assets) return { enabled: false, available: false, reason: 'staging.yaml has no assets section', source: null, target: null };
    const source = typeof assets.source === 'string' ? describeSource(assets.source) : `the project secret '${assets.source.secret}'`;
    const base = { source, target: assets.target };
    if (env.kind === 'production') {
      const reason =
        assets.source === 'production'
          ? "production's files are the source of every staging environment's"
          : 'production keeps its own files at target: only staging environments get copies of the source';
      return { ...base, enabled: false, available: false, reason };
    }
    if (!this.deps.sandbox)
      return {
        ...base,
        enabled: true,
        available: false,
        reason: 'stagingd syncs assets only with the local runner: with the Docker runner it mounts no asset folder into containers yet',
      };
    return { ...base, enabled: true, available: true, reason: null };
  }

  /**
   * Where the environment's releases see its files (production's too: they are its own, and the source of every
   * staging environment's), the folder made now if need be; undefined without assets or with the Docker runner.
   */
  async mount(config: StagingConfig, env: EnvironmentRecord): Promise<AssetMount | undefined> {
    if (!config.assets || !this.deps.sandbox) return undefined;
    const folder = await this.ensure(this.deps.sandbox, env.id);
    await this.serve(env);
    return { folder: path.join(folder, 'files'), target: config.assets.target };
  }

  /** The environment's asset folder, made now if it is not there, the release user's. */
  private async ensure(sandbox: Sandbox, environmentId: string): Promise<string> {
    const folder = this.folder(environmentId);
    mkdirSync(path.join(folder, 'files'), { recursive: true, mode: 0o700 });
    await sandbox.prepare(folder);
    return folder;
  }

  /**
   * The variable (assets.urlVariable, ASSET_URL by default) that gives a staging release the base URL its synced
   * files are served from by the preview proxy; none for production, whose files are its own to serve.
   */
  async variables(config: StagingConfig, env: EnvironmentRecord, previewUrl: string): Promise<Record<string, string>> {
    if (!config.assets || !this.deps.sandbox || env.kind === 'production') return {};
    return { [config.assets.urlVariable]: `${previewUrl}${ASSETS_PREFIX}${await this.version(env.id)}` };
  }

  /** Changes with every sync that changed the environment's files: what makes their addresses cacheable for good. */
  private async version(environmentId: string): Promise<string> {
    const changed = (await this.deps.stores.assetSyncs.page(environmentId, 100)).find((sync) => sync.status === 'succeeded' && sync.copied + sync.deleted > 0);
    return changed ? changed.id.slice(0, 12) : 'initial';
  }

  /** Tells the preview proxy where a staging environment's files are and their version. */
  private async serve(env: EnvironmentRecord): Promise<void> {
    if (env.kind === 'production') return;
    this.deps.routes.setAssets(env.project, env.name, { folder: path.join(this.folder(env.id), 'files'), version: await this.version(env.id) });
  }

  /** Starts a sync of the environment's files; it runs in the background (follow its record, events and log). */
  async start(config: StagingConfig, env: EnvironmentRecord, trigger: AssetSyncTrigger, requestedBy: string): Promise<AssetSyncRecord> {
    const state = this.state(config, env);
    if (!state.enabled || !state.available) throw new AssetSyncConflict(`Environment '${env.name}' gets no assets: ${state.reason}.`);
    if ([...this.running.values()].some((job) => job.environmentId === env.id))
      throw new AssetSyncConflict(`An asset sync of '${env.name}' is already under way.`);
    const controller = new AbortController();
    const slot = { environmentId: env.id, controller, done: Promise.resolve() };
    const id = crypto.randomUUID();
    // Taken before the first await, so two requests at once cannot both start one.
    this.running.set(id, slot);
    const record = await this.deps.stores.assetSyncs.insert({ id, environmentId: env.id, trigger, requestedBy, status: 'queued', createdAt: now() });
    await this.publish(record);
    slot.done = this.run(record, config, env, controller.signal).finally(() => this.running.delete(id));
    return record;
  }

  /** A new staging environment: its files are copied at once, when it gets any (else its state says why). */
  async created(config: StagingConfig, env: EnvironmentRecord, requestedBy: string): Promise<void> {
    const state = this.state(config, env);
    if (state.enabled && state.available) await this.start(config, env, 'created', requestedBy);
  }

  /** A line in a sync's log from outside it (the scheduler's word on missed runs). */
  note(syncId: string, line: string): void {
    this.deps.logs.append(syncId, 'system', line);
  }

  cancel(id: string, reason: string): boolean {
    const job = this.running.get(id);
    if (!job) return false;
    job.controller.abort(new Error(reason));
    return true;
  }

  /** After a restart: a sync the previous stagingd left unfinished failed (its copy keeps what it wrote: files are whole). */
  async recover(): Promise<void> {
    await this.abandon(await this.deps.stores.assetSyncs.withStatus(['queued', 'running']), 'stagingd stopped while this sync ran');
    for (const env of await this.deps.stores.environments.all()) if (existsSync(this.folder(env.id))) await this.serve(env);
  }

  /** A silent replica's syncs, claimed for this one: they died with it. */
  async takeOver(silent: string): Promise<number> {
    const claimed = await this.deps.stores.assetSyncs.claim(silent, ['queued', 'running']);
    for (const sync of claimed) await this.deps.logs.adopt(sync.id);
    await this.abandon(claimed, `the stagingd replica running it (${silent}) stopped answering`);
    return claimed.length;
  }

  private async abandon(syncs: AssetSyncRecord[], reason: string): Promise<void> {
    for (const sync of syncs) await this.publish(await this.deps.stores.assetSyncs.update(sync.id, { status: 'failed', reason, completedAt: now() }));
  }

  /** With its environment: cancels its sync and removes its files. */
  async remove(env: EnvironmentRecord): Promise<void> {
    this.deps.routes.setAssets(env.project, env.kind === 'production' ? null : env.name, undefined);
    for (const job of this.running.values()) if (job.environmentId === env.id) job.controller.abort(new Error('the environment was deleted'));
    await Promise.all([...this.running.values()].filter((job) => job.environmentId === env.id).map((job) => job.done));
    rmSync(this.folder(env.id), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const job of this.running.values()) job.controller.abort(new Error('stagingd stopped'));
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  private async run(queued: AssetSyncRecord, config: StagingConfig, env: EnvironmentRecord, signal: AbortSignal): Promise<void> {
    const { stores, logs } = this.deps;
    const log = (line: string): void => void logs.append(queued.id, 'system', line);
    let sync = await stores.assetSyncs.update(queued.id, { status: 'running', startedAt: now() });
    await this.publish(sync);
    try {
      const assets = config.assets!;
      const source = await this.resolveSource(assets.source, env);
      log(`Syncing ${describeAssetSource(source)} into ${assets.target}${assets.cleanup ? ', deleting what the source no longer has' : ''}`);
      const from = await this.localFolder(config, source, env, signal, log);
      const result = await this.copy(env, from, assets, signal);
      for (const skipped of result.skipped.slice(0, 20)) log(`Skipped ${skipped}: not a regular file`);
      log(`${result.files} files: ${result.copied} copied (${result.bytes} bytes), ${result.files - result.copied} unchanged, ${result.deleted} deleted`);
      sync = await stores.assetSyncs.update(sync.id, {
        status: 'succeeded',
        files: result.files,
        copied: result.copied,
        bytes: result.bytes,
        deleted: result.deleted,
        completedAt: now(),
      });
      await this.serve(env);
    } catch (error) {
      const cancelled = signal.aborted;
      const reason = cancelled ? String((signal.reason as Error | undefined)?.message ?? 'cancelled') : error instanceof Error ? error.message : String(error);
      log(`${cancelled ? 'Cancelled' : 'Failed'}: ${reason}`);
      sync = await stores.assetSyncs.update(sync.id, { status: cancelled ? 'cancelled' : 'failed', reason, completedAt: now() });
    } finally {
      logs.finish(queued.id);
    }
    await this.publish(sync);
  }

  private async resolveSource(value: VariableValue, env: EnvironmentRecord): Promise<AssetSource> {
    if (typeof value === 'string') return parseAssetSource(value);
    const secret = await this.deps.stores.variables.secretValue(env.project, value.secret);
    if (secret === undefined) throw new Error(`assets.source refers to the secret '${value.secret}', which is not set for project '${env.project}'`);
    return parseAssetSource(secret.trim());
  }

  /** The source as a folder on this machine: production's asset folder, the directory itself, or the S3 mirror. */
  private async localFolder(
    config: StagingConfig,
    source: AssetSource,
    env: EnvironmentRecord,
    signal: AbortSignal,
    log: (line: string) => void,
  ): Promise<string> {
    if (source.kind === 'production') {
      const production = (await this.deps.stores.environments.list(env.project)).find((candidate) => candidate.kind === 'production');
      if (!production) throw new Error('the project has no production environment');
      // Production not deployed since staging.yaml asked for assets: its folder, empty, is what it has.
      return (await this.mount(config, production))!.folder;
    }
    if (source.kind === 'directory') {
      if (!existsSync(source.path)) throw new Error(`${source.path} does not exist on stagingd's machine`);
      // Where it really is (a link, /proc/1/root/…): stagingd's own data directory holds its keys and every
      // environment's files, so neither it nor anything in it, nor a folder holding it, is ever a source.
      const real = realpathSync(source.path);
      const dataDir = realpathSync(this.deps.dataDir);
      if (contains(dataDir, real) || contains(real, dataDir))
        throw new Error("assets.source may not be stagingd's data directory, inside it, or a folder that holds it");
      return real;
    }
    const mirrored = await mirrorS3(source, path.join(this.deps.dataDir, 'asset-sources'), signal);
    log(`Fetched ${mirrored.fetched} changed object${mirrored.fetched === 1 ? '' : 's'} from ${describeAssetSource(source)}`);
    return mirrored.folder;
  }

  private async copy(env: EnvironmentRecord, source: string, assets: NonNullable<StagingConfig['assets']>, signal: AbortSignal): Promise<CopyResult> {
    const sandbox = this.deps.sandbox!;
    const folder = await this.ensure(sandbox, env.id);
    const job: CopyJob = {
      source: sandbox.readOnlyPath(source),
      target: '.',
      exclude: assets.exclude.map((glob) => picomatch.makeRe(glob, { dot: true }).source),
      cleanup: assets.cleanup,
    };
    const [file, ...prefix] = [...sandbox.command(folder, folder, undefined, { dieWithParent: true, readOnly: source }), process.execPath];
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(
        file,
        [...prefix, '-e', this.deps.copyTool],
        { cwd: folder, env: sandbox.environment({ PATH: process.env['PATH'] }), signal, maxBuffer: 64 * 1024 * 1024 },
        (error, out, err) => (error ? reject(new Error(String(err).trim().split('\n')[0] || error.message)) : resolve(out)),
      );
      child.stdin?.end(JSON.stringify(job));
    });
    return JSON.parse(stdout) as CopyResult;
  }

  private async publish(sync: AssetSyncRecord): Promise<void> {
    await this.deps.stores.events.publish('assets.sync.updated', presentAssetSync(sync));
  }
}

/** Whether `inner` is `folder` or lies inside it (both resolved paths). */
function contains(folder: string, inner: string): boolean {
  const relative = path.relative(folder, inner);
  return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
}

function describeSource(value: string): string {
  try {
    return describeAssetSource(parseAssetSource(value));
  } catch (error) {
    return (error as Error).message;
  }
}
