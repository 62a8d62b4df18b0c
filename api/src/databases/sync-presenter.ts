import type { components } from '../../../common/src/api/schema';
import type { DatabaseSyncRecord } from '../store/database-syncs';

export type ApiDatabaseSync = components['schemas']['DatabaseSync'];

export function presentDatabaseSync(sync: DatabaseSyncRecord): ApiDatabaseSync {
  return {
    id: sync.id,
    project: sync.project,
    environment: sync.environment,
    trigger: sync.trigger,
    requested_by: sync.requestedBy,
    status: sync.status,
    reason: sync.reason,
    snapshot_at: sync.snapshotAt,
    tables: sync.tables,
    notes: sync.notes,
    unclassified: sync.unclassified,
    created_at: sync.createdAt,
    started_at: sync.startedAt,
    completed_at: sync.completedAt,
  };
}
