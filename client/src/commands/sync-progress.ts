import * as vscode from 'vscode';
import { syncUnderWay } from '../database/sync-text';
import type { CommandContext } from './command-context';

/** What following a sync needs of its record, a database's or assets' (or a check run's: queued and running too). */
interface SyncRun {
  id: string;
  status: string;
}

/**
 * Shows a sync in the window's progress until it ends, from its events (`changes`); `read` asks for it when the events
 * come back, and at once, for an end announced before the request that started it answered. Resolves with the sync as
 * it ended, or undefined when the session ended first (never a spinner left behind when the events stop). `running`
 * is what the progress says while it runs.
 */
export function progressUntilEnd<Sync extends SyncRun>(
  context: CommandContext,
  sync: Sync,
  title: string,
  changes: vscode.Event<Sync>,
  read: (id: string) => Promise<Sync>,
  running = 'copying…',
): Thenable<Sync | undefined> {
  const steps: Partial<Record<string, string>> = { queued: 'queued', running };
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
