import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ProjectContextChangedNotification, ProjectContextRequest } from '../../common/src/lsp-protocol';
import type { LiveEvents } from './live-events';
import type { Session } from './session';
import { workspaceProjects } from './workspace-projects';

/**
 * Answers the language server's `staging/projectContext` from the staging API: the project's secret and
 * environment names, so it can flag unknown secret references and complete names. Not connected: it says so.
 */
export function serveProjectContext(client: LanguageClient, session: Session, events: LiveEvents): vscode.Disposable {
  const handler = client.onRequest(ProjectContextRequest.type, async ({ uri }): Promise<ProjectContextRequest.Result> => {
    const notConnected = { connected: false, secrets: [], environments: [] };
    if (session.state !== 'signedIn') return notConnected;
    const file = vscode.Uri.parse(uri).toString();
    const project = (await workspaceProjects()).find((p) => p.config.toString() === file);
    if (!project) return notConnected;
    try {
      const [secrets, environments] = await Promise.all([session.api.secretNames(project.name), session.api.environments(project.name)]);
      return { connected: true, secrets, environments: environments.map((e) => e.name) };
    } catch {
      return notConnected;
    }
  });
  // A server still starting asks for the context when it first validates: nothing to tell it yet.
  const changed = (): void => {
    if (client.isRunning()) client.sendNotification(ProjectContextChangedNotification.type, {}).catch(() => undefined);
  };
  return vscode.Disposable.from(handler, session.onDidChange(changed), events.onEnvironment(changed));
}
