import * as vscode from 'vscode';
import type { StagingExtensionApi } from '../../client/src/extension';

/** Every notification the extension shows from now on, and a way to wait for the nth that matches. */
export interface Notifications {
  messages: string[];
  matching(pattern: RegExp, count?: number, timeoutMs?: number): Promise<string[]>;
  dispose(): void;
}

export function notifications(): Notifications {
  const messages: string[] = [];
  const waiters = new Set<() => void>();
  const { notifier } = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
  const subscription = notifier.onDidNotify((message) => {
    messages.push(message);
    for (const wake of waiters) wake();
  });
  const matching = (pattern: RegExp, count = 1, timeoutMs = 30_000): Promise<string[]> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = messages.filter((m) => pattern.test(m));
        if (found.length < count) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`fewer than ${count} notifications matched ${String(pattern)}: ${JSON.stringify(messages)}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { messages, matching, dispose: () => void subscription.dispose() };
}
