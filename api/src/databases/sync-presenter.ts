import type { components } from '../../../common/src/api/schema';
import type { DatabaseSyncRecord } from '../store/database-syncs';
import { presentSyncFields } from '../store/sync-records';

export type ApiDatabaseSync = components['schemas']['DatabaseSync'];

export function presentDatabaseSync(sync: DatabaseSyncRecord): ApiDatabaseSync {
  return { ...presentSyncFields(sync), snapshot_at: sync.snapshotAt, tables: sync.tables, notes: sync.notes, unclassified: sync.unclassified };
}
