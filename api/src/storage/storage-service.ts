import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { components } from '../../../common/src/api/schema';
import type { ServerContext } from '../context/server-context';
import { commentScreenshotFile } from '../context/screenshot-files';
import { environmentSyncs } from '../context/environment-syncs';
import type { DeploymentService } from '../deploy/deployment-service';
import { stagingConfig } from '../deploy/project-config';
import type { ServerLog } from '../logs/server-log';
import { diskUsage } from '../runtime/disk-usage';
import type { EnvironmentRecord, ProjectRecord } from '../store/records';
import { now } from '../store/records';
import type { RemovedCounts, StorageCleanupRecord } from '../store/storage-cleanups';
import { presentStorageCleanup } from './storage-presenter';

type EnvironmentUsage = components['schemas']['EnvironmentStorage'];

/** stagingd's own defaults, over which a project's staging.yaml `retention` wins. */
export interface RetentionDefaults {
  releases: number;
  logsMs: number;
  screenshotsMs: number;
  intervalMs: number;
}

/** A cleanup that cannot start now: the API answers 409. */
export class CleanupConflict extends Error {}

/**
 * Nothing stagingd makes grows forever: on an interval, and on request, the retention policy removes each
 * environment's releases past the ones it keeps (with their images), the logs of finished deployments whose release
 * is gone and of finished syncs, and old comment screenshots; each run has a record. What an environment holds on
 * disk is measured for the API.
 */
export class StorageService {
  private timer: NodeJS.Timeout | undefined;
  private busy = false;
  private done: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { context: ServerContext; deployments: DeploymentService; retention: RetentionDefaults; log: ServerLog }) {}

  /** After a restart: a cleanup the previous stagingd left running failed (what it removed is gone; the next one goes on). */
  async recover(): Promise<void> {
    await this.deps.context.storageCleanups.failRunning('stagingd stopped while this cleanup ran', now());
  }

  /** A silent replica's cleanup, if it was running one: failed (the next one goes on). */
  takeOver(silent: string): Promise<number> {
    return this.deps.context.storageCleanups.failRunning(`the stagingd replica running it (${silent}) stopped answering`, now(), silent);
  }

  startSchedule(): void {
    this.timer = setInterval(() => {
      void this.start('schedule', 'schedule').catch((error: unknown) => {
        if (!(error instanceof CleanupConflict)) this.deps.log(`storage cleanup: ${String(error)}`, 'error');
      });
    }, this.deps.retention.intervalMs);
    this.timer.unref();
  }

  /** Starts a cleanup; it runs in the background (follow its record and event). One at a time. */
  async start(trigger: StorageCleanupRecord['trigger'], requestedBy: string): Promise<StorageCleanupRecord> {
    if (this.busy) throw new CleanupConflict('A storage cleanup is already under way.');
    // Taken before the first await, so two requests at once cannot both start one.
    this.busy = true;
    let record: StorageCleanupRecord;
    try {
      record = await this.deps.context.storageCleanups.insert({ id: crypto.randomUUID(), trigger, requestedBy, createdAt: now() });
      await this.publish(record);
    } catch (error) {
      this.busy = false;
      throw error;
    }
    this.done = this.run(record).finally(() => (this.busy = false));
    return record;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.done;
  }

  private async run(record: StorageCleanupRecord): Promise<void> {
    const removed: RemovedCounts = { releases: 0, images: 0, logs: 0, screenshots: 0, bytes: 0 };
    let outcome: { status: 'succeeded' | 'failed'; reason: string | null } = { status: 'succeeded', reason: null };
    try {
      for (const project of await this.deps.context.projects.list())
        for (const env of await this.deps.context.environments.list(project.name)) await this.clean(project, env, removed);
    } catch (error) {
      outcome = { status: 'failed', reason: error instanceof Error ? error.message : String(error) };
      this.deps.log(`storage cleanup failed: ${outcome.reason}`, 'error');
    }
    await this.publish(await this.deps.context.storageCleanups.finish(record.id, { ...outcome, removed, completedAt: now() }));
  }

  private async clean(project: ProjectRecord, env: EnvironmentRecord, removed: RemovedCounts): Promise<void> {
    const { context, deployments, retention } = this.deps;
    const policy = stagingConfig(project.config).retention;
    const pruned = await deployments.pruneReleases(project, env, policy.releases ?? retention.releases);
    removed.releases += pruned.releases;
    removed.images += pruned.images;
    removed.bytes += pruned.bytes;
    const logsBefore = new Date(Date.now() - (policy.logsMs ?? retention.logsMs)).toISOString();
    const ended = (completedAt: string | null): boolean => completedAt !== null && completedAt < logsBefore;
    const logs = [
      ...(await context.deployments.page(env.id, 10_000)).filter((d) => d.releaseDir === null && d.id !== env.liveDeploymentId && ended(d.completedAt)),
      ...(await environmentSyncs(context, env.id)).filter((sync) => ended(sync.completedAt)),
    ];
    for (const { id } of logs) {
      const files = context.logs.files(id).filter((file) => existsSync(file));
      if (files.length === 0) continue;
      for (const file of files) removed.bytes += await diskUsage(file);
      await context.logs.remove(id);
      removed.logs += 1;
    }
    const screenshotsBefore = new Date(Date.now() - (policy.screenshotsMs ?? retention.screenshotsMs)).toISOString();
    const files = [
      ...(await context.comments.withScreenshots({ environmentId: env.id, createdBefore: screenshotsBefore })).map(({ id }) =>
        commentScreenshotFile(context.dataDir, id),
      ),
      ...(await context.checks.expiredImages(env, screenshotsBefore)),
    ];
    for (const file of files) {
      const bytes = await diskUsage(file);
      if (bytes === 0) continue;
      rmSync(file, { recursive: true, force: true });
      removed.screenshots += 1;
      removed.bytes += bytes;
    }
  }

  /** What each project and environment holds on stagingd's disk now, and the data directory as a whole. */
  async usage(): Promise<components['schemas']['StorageUsage']> {
    const { context } = this.deps;
    const projects = [];
    for (const project of await context.projects.list()) {
      const environments: EnvironmentUsage[] = [];
      for (const env of await context.environments.list(project.name)) environments.push(await this.environmentUsage(env));
      const repository = await diskUsage(path.join(context.dataDir, 'repos', `${project.name}.git`));
      projects.push({ name: project.name, bytes: repository + environments.reduce((sum, env) => sum + env.bytes, 0), repository, environments });
    }
    const [last] = await context.storageCleanups.latest(1);
    return { data_dir_bytes: await diskUsage(context.dataDir), projects, last_cleanup: last ? presentStorageCleanup(last) : null };
  }

  private async environmentUsage(env: EnvironmentRecord): Promise<EnvironmentUsage> {
    const { context } = this.deps;
    const history = await context.deployments.page(env.id, 10_000);
    const syncs = await environmentSyncs(context, env.id);
    const sum = async (files: string[]): Promise<number> => (await Promise.all(files.map((file) => diskUsage(file)))).reduce((a, b) => a + b, 0);
    const usage = {
      releases: await sum(history.flatMap((deployment) => (deployment.releaseDir ? [deployment.releaseDir] : []))),
      kept_releases: history.filter((deployment) => deployment.releaseDir !== null).length,
      logs: await sum([...history, ...syncs].flatMap(({ id }) => context.logs.files(id))),
      assets: await diskUsage(context.assets.folder(env.id)),
      mail: await diskUsage(context.mail.inboxes.folder(env.id)),
      data: await sum([context.databases.dataFolder(env.id) ?? []].flat()),
      screenshots: await sum([
        ...(await context.comments.withScreenshots({ environmentId: env.id })).map(({ id }) => commentScreenshotFile(context.dataDir, id)),
        ...syncs.map(({ id }) => context.checks.folder(id)),
      ]),
    };
    return { name: env.name, bytes: usage.releases + usage.logs + usage.assets + usage.mail + usage.data + usage.screenshots, ...usage };
  }

  private async publish(record: StorageCleanupRecord): Promise<void> {
    await this.deps.context.events.publish('storage.cleanup.updated', presentStorageCleanup(record));
  }
}
