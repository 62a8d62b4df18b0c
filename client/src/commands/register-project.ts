import * as path from 'node:path';
import { trustedGit } from '../trusted-git';
import * as vscode from 'vscode';
import { ApiError, type Project } from '../api/staging-api';
import { UnregisteredProjectNode } from '../tree/nodes';
import { workspaceProjects, type WorkspaceProject } from '../workspace-projects';
import type { CommandContext } from './command-context';
import { isLocalApi } from '../local-api';

/**
 * Registers a workspace folder's project with the staging API: a local stagingd reads the folder's
 * repository itself, a remote one is given the folder's `origin` to fetch. A staging.yaml the API refuses
 * opens at its first diagnostic.
 */
export async function registerProject(context: CommandContext, arg?: unknown): Promise<Project | undefined> {
  const local = await unregisteredProject(context, arg instanceof UnregisteredProjectNode ? arg.name : typeof arg === 'string' ? arg : undefined);
  if (!local) return undefined;
  const folder = path.dirname(local.config.fsPath);
  const repository = isLocalApi(context.session.apiUrl()) ? folder : await originUrl(folder);
  const document = await vscode.workspace.openTextDocument(local.config);
  let project: Project;
  try {
    project = await context.session.api.createProject(repository, document.getText(), path.relative(folder, local.config.fsPath));
  } catch (error) {
    await showFirstDiagnostic(document, error);
    throw error;
  }
  context.tree.refresh();
  void vscode.window.showInformationMessage(`Registered ${project.name} with the staging API: its environments are in the Staging view.`);
  return project;
}

/** A staging.yaml the API refused opens at its first diagnostic. */
export async function showFirstDiagnostic(document: vscode.TextDocument, error: unknown): Promise<void> {
  const first = error instanceof ApiError ? error.problem?.diagnostics?.[0] : undefined;
  if (!first) return;
  const range = new vscode.Range(first.line - 1, first.column - 1, first.end_line - 1, first.end_column - 1);
  await vscode.window.showTextDocument(document, { selection: range });
}

async function unregisteredProject(context: CommandContext, name: string | undefined): Promise<WorkspaceProject | undefined> {
  const registered = new Set((await context.session.api.projects()).map((p) => p.name));
  const candidates = (await workspaceProjects()).filter((p) => !registered.has(p.name) && (name === undefined || p.name === name));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(
      name ? `${name} is already registered with the staging API.` : 'Every staging.yaml of this workspace is already registered.',
    );
    return undefined;
  }
  if (candidates.length === 1) return candidates[0];
  const picked = await vscode.window.showQuickPick(
    candidates.map((p) => ({ label: p.name, description: vscode.workspace.asRelativePath(p.config), project: p })),
    { title: 'Register a project with the staging API' },
  );
  return picked?.project;
}

/** The URL a remote API clones from; without one, say how to get one. */
async function originUrl(folder: string): Promise<string> {
  const origin = (await trustedGit(folder, 'register it with a remote staging API').getRemotes(true)).find((remote) => remote.name === 'origin');
  if (!origin) throw new Error(`${folder} has no 'origin' remote, so the staging API cannot fetch it: push the repository somewhere the API can reach first.`);
  return origin.refs.fetch;
}
