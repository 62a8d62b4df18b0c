import * as vscode from 'vscode';
import type { Environment } from '../api/staging-api';
import { trustedGitRefs } from '../trusted-git';
import { workspaceProjects } from '../workspace-projects';
import type { CommandContext } from './command-context';
import { environmentFrom } from './pickers';

export async function createEnvironment(context: CommandContext, arg?: unknown): Promise<Environment | undefined> {
  const projects = await workspaceProjects();
  const named = arg && typeof arg === 'object' && 'name' in arg && typeof arg.name === 'string' ? arg.name : undefined;
  const project =
    named ??
    (projects.length === 1
      ? projects[0]!.name
      : await vscode.window.showQuickPick(
          projects.map((p) => p.name),
          { title: 'Project' },
        ));
  if (!project) return undefined;
  const name = await vscode.window.showInputBox({
    title: `New environment of ${project}`,
    prompt: 'Lowercase letters, digits and dashes',
    validateInput: (value) =>
      /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(value) && !value.includes('--') ? undefined : 'Lowercase letters, digits and single dashes, at most 40',
  });
  if (!name) return undefined;
  const local = projects.find((p) => p.name === project);
  const branches = local ? (await trustedGitRefs(local.config.fsPath)).branches : [];
  const branch = branches.length > 0 ? await vscode.window.showQuickPick(branches, { title: `Branch ${name} follows` }) : undefined;
  const env = await context.session.api.createEnvironment(project, name, branch);
  void vscode.window.showInformationMessage(`Created ${name}${branch ? ` following ${branch}` : ''}: deploy to it to bring it up.`);
  return env;
}

export async function deleteEnvironment(context: CommandContext, arg?: unknown): Promise<boolean> {
  const env = await environmentFrom(context, arg);
  if (!env) return false;
  const confirm = await vscode.window.showWarningMessage(
    `Delete ${env.name} of ${env.project}?`,
    { modal: true, detail: 'Its releases stop and its deployment history is removed.' },
    'Delete',
  );
  if (confirm !== 'Delete') return false;
  await context.session.api.deleteEnvironment(env.project, env.name);
  return true;
}
