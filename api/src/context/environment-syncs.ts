import type { AssetSyncRecord } from '../store/asset-syncs';
import type { DatabaseSyncRecord } from '../store/database-syncs';
import type { Stores } from '../store/stores';

/** Every sync of an environment, of its database and of its assets (each with a log under its id). */
export async function environmentSyncs(
  stores: Pick<Stores, 'databaseSyncs' | 'assetSyncs'>,
  environmentId: string,
): Promise<(DatabaseSyncRecord | AssetSyncRecord)[]> {
  return [...(await stores.databaseSyncs.page(environmentId, 10_000)), ...(await stores.assetSyncs.page(environmentId, 10_000))];
}
