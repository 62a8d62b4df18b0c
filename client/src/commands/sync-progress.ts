import * as vscode from 'vscode';
import type { DatabaseSync } from '../api/staging-api';
import { syncUnderWay } from '../database/sync-text';
import type { CommandContext } from './command-context';

/** What following a sync needs of its record, a database's or assets'. */
type SyncRun = Pick<DatabaseSync, 'id' | 'status'>;

const steps: Partial<Record<DatabaseSync['status'], string>> = { queued: 'queued', running: 'copying…' };

/**
 * Shows a sync in the window's progress until it ends, from its events (`changes`); `read` asks for it when the events
 * come back, and at once, for an end announced before the request that started it answered. Resolves with the sync as
 * it ended, or undefined when the session ended first (never a spinner left behind when the events stop).
 */
export function progressUntilEnd<Sync extends SyncRun>(
  context: CommandContext,
  sync: Sync,
  title: string,
  changes: vscode.Event<Sync>,
  read: (id: string) => Promise<Sync>,
): Thenable<Sync | undefined> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, (progress) => {
    progress.report({ message: steps[sync.status] });
    return new Promise<Sync | undefined>((resolve) => {
      const done = (ended: Sync | undefined): void => {
        for (const subscription of subscriptions) subscription.dispose();
        resolve(ended);
      };
      const check = (): void => {
        read(sync.id).then(
          (now) => (syncUnderWay(now) ? undefined : done(now)),
          () => undefined,
        );
      };
      const subscriptions = [
        changes((changed) => {
          if (changed.id !== sync.id) return;
          progress.report({ message: steps[changed.status] });
          if (!syncUnderWay(changed)) done(changed);
        }),
        context.events.onState((state) => {
          if (state === 'connected') check();
        }),
        context.session.onDidChange(() => {
          if (context.session.state !== 'signedIn') done(undefined);
        }),
      ];
      check();
    });
  });
}
