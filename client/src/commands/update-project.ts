import * as vscode from 'vscode';
import type { Project } from '../api/staging-api';
import { ProjectNode } from '../tree/nodes';
import { workspaceProjects, type WorkspaceProject } from '../workspace-projects';
import type { CommandContext } from './command-context';
import { showFirstDiagnostic } from './register-project';

/**
 * Sends a workspace folder's staging.yaml to the staging API as the project's registered one (what deployments
 * build, run and gate promotion with). A staging.yaml the API refuses opens at its first diagnostic.
 */
export async function updateProject(context: CommandContext, arg?: unknown): Promise<Project | undefined> {
  const name = arg instanceof ProjectNode ? arg.name : typeof arg === 'string' ? arg : undefined;
  const local = await workspaceProject(name);
  if (!local) return undefined;
  const document = await vscode.workspace.openTextDocument(local.config);
  let project: Project;
  try {
    project = await context.session.api.updateProject(local.name, document.getText());
  } catch (error) {
    await showFirstDiagnostic(document, error);
    throw error;
  }
  context.tree.refresh();
  void vscode.window.showInformationMessage(`${project.name} now deploys with this staging.yaml.`);
  return project;
}

async function workspaceProject(name: string | undefined): Promise<WorkspaceProject | undefined> {
  const candidates = (await workspaceProjects()).filter((p) => name === undefined || p.name === name);
  if (candidates.length <= 1) {
    if (candidates.length === 0) void vscode.window.showInformationMessage(`No staging.yaml of this workspace is for ${name ?? 'a project'}.`);
    return candidates[0];
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((p) => ({ label: p.name, description: vscode.workspace.asRelativePath(p.config), project: p })),
    { title: 'Update a project from its staging.yaml' },
  );
  return picked?.project;
}

/**
 * Saving a registered project's staging.yaml offers to update the project when the saved text is not what the API
 * has registered: otherwise the change would only take effect after a push to the production branch.
 */
export function offerUpdateOnSave(context: CommandContext): vscode.Disposable {
  return vscode.workspace.onDidSaveTextDocument(async (document) => {
    if (context.session.state !== 'signedIn') return;
    const local = (await workspaceProjects()).find((p) => p.config.toString() === document.uri.toString());
    if (!local) return;
    const registered = await context.session.api.project(local.name).catch(() => undefined);
    if (!registered || registered.config === document.getText()) return;
    const choice = await vscode.window.showInformationMessage(
      `This staging.yaml is not the one the staging API has for ${local.name}: deployments use the registered one until it is updated.`,
      'Update Project',
      'Not Now',
    );
    if (choice === 'Update Project') await vscode.commands.executeCommand('staging.updateProject', local.name);
  });
}
