import { hasOwnDatabase } from '../../common/src/config/environment-entry';
import type { StagingConfig } from '../../common/src/config/model';
import { AssetSyncConflict, type AssetSyncService } from './assets/asset-sync-service';
import { type ScheduledEnvironment, SyncScheduler } from './context/sync-scheduler';
import { SyncConflict, type DatabaseSyncService } from './databases/sync-service';
import { stagingConfig } from './deploy/project-config';
import type { ServerLog } from './logs/server-log';
import type { EnvironmentRecord } from './store/records';
import type { Stores } from './store/stores';

/** How often the schedules are checked. */
const TICK_MS = 30_000;

/** staging.yaml's `database.schedule` and `assets.schedule`, each a scheduler over every project's environments. */
export function startSchedules(stores: Stores, databases: DatabaseSyncService, assets: AssetSyncService, log: ServerLog): { close(): Promise<void> } {
  const scheduled = async (
    schedule: (config: StagingConfig) => string | undefined,
    synced: (config: StagingConfig, env: EnvironmentRecord) => boolean,
  ): Promise<ScheduledEnvironment[]> => {
    const found: ScheduledEnvironment[] = [];
    for (const project of await stores.projects.list()) {
      const config = stagingConfig(project.config);
      const cron = schedule(config);
      if (!cron) continue;
      for (const env of await stores.environments.list(project.name)) if (synced(config, env)) found.push({ config, env, schedule: cron });
    }
    return found;
  };
  const schedulers = [
    new SyncScheduler({
      what: 'database sync',
      syncs: databases,
      records: stores.databaseSyncs,
      environments: () => scheduled((config) => config.database?.schedule, hasOwnDatabase),
      conflict: SyncConflict,
      log,
      intervalMs: TICK_MS,
      firings: stores.replicas.firings,
    }),
    new SyncScheduler({
      what: 'asset sync',
      syncs: assets,
      records: stores.assetSyncs,
      environments: () =>
        scheduled(
          (config) => config.assets?.schedule,
          (config, env) => assets.state(config, env).available,
        ),
      conflict: AssetSyncConflict,
      log,
      intervalMs: TICK_MS,
      firings: stores.replicas.firings,
    }),
  ];
  for (const scheduler of schedulers) scheduler.start();
  return { close: async () => void (await Promise.all(schedulers.map((scheduler) => scheduler.close()))) };
}
