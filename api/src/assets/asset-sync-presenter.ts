import type { components } from '../../../common/src/api/schema';
import type { AssetSyncRecord } from '../store/asset-syncs';

export function presentAssetSync(sync: AssetSyncRecord): components['schemas']['AssetSync'] {
  return {
    id: sync.id,
    project: sync.project,
    environment: sync.environment,
    trigger: sync.trigger,
    requested_by: sync.requestedBy,
    status: sync.status,
    reason: sync.reason,
    files: sync.files,
    copied: sync.copied,
    bytes: sync.bytes,
    deleted: sync.deleted,
    created_at: sync.createdAt,
    started_at: sync.startedAt,
    completed_at: sync.completedAt,
  };
}
