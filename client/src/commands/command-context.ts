import * as vscode from 'vscode';
import { ApiError } from '../api/staging-api';
import type { EnvironmentNotifier } from '../environment-notifier';
import type { FollowedEnvironments } from '../followed-environments';
import { workspaceProjects } from '../workspace-projects';
import { isLocalApi } from '../local-api';
import type { LiveEvents } from '../live-events';
import type { LogStreams } from '../log-streams';
import type { Session } from '../session';
import type { EnvironmentsTree } from '../tree/environments-tree';

/** What every command reaches. */
export interface CommandContext {
  session: Session;
  events: LiveEvents;
  tree: EnvironmentsTree;
  logs: LogStreams;
  notifier: EnvironmentNotifier;
  followed: FollowedEnvironments;
  /** The extension's log (Staging: Show Log). */
  log: vscode.LogOutputChannel;
}

/** A command never fails silently: errors read like advice, with the action that fixes them. */
export async function reportError(error: unknown, context: CommandContext): Promise<void> {
  if (error instanceof Error && error.name === 'AbortError') return;
  context.log.error(error instanceof Error ? error : String(error));
  if (error instanceof ApiError && error.unauthorized) {
    const choice = await vscode.window.showErrorMessage('The staging API refused the token: it is wrong or has expired.', 'Sign In');
    if (choice === 'Sign In') await vscode.commands.executeCommand('staging.signIn');
    return;
  }
  if (error instanceof ApiError && error.unreachable) {
    context.session.setState('unreachable');
    const local = isLocalApi(context.session.apiUrl()) && (await workspaceProjects()).length > 0;
    const choice = await vscode.window.showErrorMessage(`${error.message} Is stagingd running?`, ...(local ? ['Start Local stagingd'] : []), 'Retry');
    if (choice === 'Retry') await context.session.check();
    if (choice === 'Start Local stagingd') await vscode.commands.executeCommand('staging.startLocalServer');
    return;
  }
  await vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
}

/** Registers a command through the error reporter, into the extension's subscriptions. */
export function registerCommand(
  extension: vscode.ExtensionContext,
  context: CommandContext,
  id: string,
  run: (context: CommandContext, ...args: unknown[]) => Promise<unknown>,
): void {
  extension.subscriptions.push(
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        return await run(context, ...args);
      } catch (error) {
        await reportError(error, context);
        return undefined;
      }
    }),
  );
}
