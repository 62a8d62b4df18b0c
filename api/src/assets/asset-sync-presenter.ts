import type { components } from '../../../common/src/api/schema';
import type { AssetSyncRecord } from '../store/asset-syncs';
import { presentSyncFields } from '../store/sync-records';

export function presentAssetSync(sync: AssetSyncRecord): components['schemas']['AssetSync'] {
  return { ...presentSyncFields(sync), files: sync.files, copied: sync.copied, bytes: sync.bytes, deleted: sync.deleted };
}
