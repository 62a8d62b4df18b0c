import * as vscode from 'vscode';
import type { DatabaseSync } from '../api/staging-api';
import { ago, syncTrigger, syncUnderWay } from '../database/sync-text';

/** What the tree shows of a sync, a database's or assets': both records have these. */
type SyncRun = Pick<DatabaseSync, 'status' | 'trigger' | 'requested_by' | 'created_at' | 'started_at' | 'completed_at'>;

/** The state in a few words: "synced 5 min ago", "syncing…", "sync failed", "never synced", "unavailable". */
export function syncState(available: boolean, last: SyncRun | null): string {
  if (!available) return 'unavailable';
  if (!last) return 'never synced';
  if (last.status === 'queued') return 'sync queued…';
  if (last.status === 'running') return 'syncing…';
  if (last.status === 'failed') return 'sync failed';
  if (last.status === 'cancelled') return 'sync cancelled';
  return `synced ${ago(last.completed_at ?? last.created_at)}`;
}

/** A warning when stagingd cannot sync, spinning while a sync is under way, an error after one failed, else `idle`. */
export function syncIcon(available: boolean, last: SyncRun | null, idle: string): vscode.ThemeIcon {
  if (!available) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  if (syncUnderWay(last)) return new vscode.ThemeIcon('sync~spin');
  if (last?.status === 'failed') return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  return new vscode.ThemeIcon(idle);
}

/** What the menus match: `kind` where a sync can start, `kind.syncing` while one is under way, `kind.unavailable`. */
export function syncContext(kind: string, available: boolean, last: SyncRun | null): string {
  return !available ? `${kind}.unavailable` : syncUnderWay(last) ? `${kind}.syncing` : kind;
}

/** The tooltip's word on the last sync, e.g. "Last sync succeeded 3/12/2026, 10:04:00, requested by admin." */
export function lastSyncLine(last: SyncRun): string {
  const when = new Date(last.completed_at ?? last.started_at ?? last.created_at).toLocaleString();
  return `Last sync ${last.status} ${when}, ${syncTrigger(last)}.`;
}
