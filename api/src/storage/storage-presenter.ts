import type { components } from '../../../common/src/api/schema';
import type { StorageCleanupRecord } from '../store/storage-cleanups';

export function presentStorageCleanup(cleanup: StorageCleanupRecord): components['schemas']['StorageCleanup'] {
  return {
    id: cleanup.id,
    trigger: cleanup.trigger,
    requested_by: cleanup.requestedBy,
    status: cleanup.status,
    reason: cleanup.reason,
    removed: cleanup.removed,
    created_at: cleanup.createdAt,
    completed_at: cleanup.completedAt,
  };
}
