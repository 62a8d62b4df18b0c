import * as path from 'node:path';
import * as vscode from 'vscode';
import { workspaceProjects } from '../workspace-projects';
import type { CommandContext } from './command-context';
import { isLocalApi } from '../local-api';

/**
 * Starts `npx stagingd` in a terminal for the first project of the workspace, with its data in that
 * folder's `.staging/` (where the extension then finds its token), and waits for it to answer.
 */
export async function startLocalServer(context: CommandContext): Promise<boolean> {
  if (!vscode.workspace.isTrusted)
    throw new Error(
      'This workspace is in Restricted Mode: trust it (Manage Workspace Trust) to start a local stagingd; until then Staging starts no process for it.',
    );
  const apiUrl = context.session.apiUrl();
  if (!isLocalApi(apiUrl)) throw new Error(`staging.apiUrl is ${apiUrl}, not this machine: a local stagingd would not be used.`);
  const project = (await workspaceProjects())[0];
  if (!project) throw new Error('No folder of this workspace has a staging.yaml.');
  const folder = path.dirname(project.config.fsPath);
  const port = new URL(apiUrl).port || '80';
  const terminal = vscode.window.createTerminal({ name: 'stagingd', cwd: folder });
  terminal.sendText(`npx stagingd --data-dir .staging --listen 127.0.0.1:${port}`);
  terminal.show(true);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Starting a local stagingd', cancellable: true },
    async (_progress, token) => {
      // A process that is starting has nothing to push: asking its health endpoint is the way to know.
      for (let waited = 0; waited < 60_000 && !token.isCancellationRequested; waited += 500) {
        if (await context.session.api.health().catch(() => false)) {
          await context.session.check();
          return true;
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      void vscode.window.showErrorMessage('The local stagingd did not answer within a minute: see the stagingd terminal.');
      return false;
    },
  );
}
