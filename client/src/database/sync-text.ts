import { plural } from '../../../webview/src/shared/units';
import type { DatabaseSync } from '../api/staging-api';

/** A sync (or a check run) that has not ended: it can be cancelled, and no other can start. */
export function syncUnderWay(sync: { status: string } | null | undefined): boolean {
  return sync?.status === 'queued' || sync?.status === 'running';
}

/** What a sync copied, e.g. "2 tables, 1,204 rows". */
export function syncCopied(sync: Pick<DatabaseSync, 'tables'>): string {
  const rows = sync.tables.reduce((sum, table) => sum + table.rows, 0);
  return `${plural(sync.tables.length, 'table')}, ${plural(rows, 'row')}`;
}

/** How long ago, roughly: "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string, now = Date.now()): string {
  const minutes = Math.floor((now - new Date(iso).getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** What started a sync, as a phrase: "requested by admin", "on schedule", "when the environment was created". */
export function syncTrigger(sync: Pick<DatabaseSync, 'trigger' | 'requested_by'>): string {
  if (sync.trigger === 'schedule') return 'on schedule';
  if (sync.trigger === 'created') return 'when the environment was created';
  return `requested by ${sync.requested_by}`;
}
