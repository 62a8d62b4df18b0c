import type { AssetSyncRecord } from '../store/asset-syncs';
import type { CheckRunRecord } from '../store/check-runs';
import type { DatabaseSyncRecord } from '../store/database-syncs';
import type { Stores } from '../store/stores';

/** Every sync of an environment, of its database and of its assets, and every check run (each with a log under its id). */
export async function environmentSyncs(
  stores: Pick<Stores, 'databaseSyncs' | 'assetSyncs' | 'checkRuns'>,
  environmentId: string,
): Promise<(DatabaseSyncRecord | AssetSyncRecord | CheckRunRecord)[]> {
  return [
    ...(await stores.databaseSyncs.page(environmentId, 10_000)),
    ...(await stores.assetSyncs.page(environmentId, 10_000)),
    ...(await stores.checkRuns.page(environmentId, 10_000)),
  ];
}
