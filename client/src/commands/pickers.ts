import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Deployment, Environment } from '../api/staging-api';
import { trustedGitRefs } from '../trusted-git';
import { AssetsNode } from '../tree/assets-node';
import { ChecksNode, PerformanceResultNode, VisualResultNode } from '../tree/checks-nodes';
import { InboxNode, MailMessageNode } from '../tree/mail-nodes';
import { CommentsNode, CommentThreadNode, DatabaseNode, DeploymentNode, EnvironmentNode, PreviewLinkNode, PreviewLinksNode } from '../tree/nodes';
import { workspaceProjects } from '../workspace-projects';
import type { CommandContext } from './command-context';

/** The environment a command acts on: the tree node it was run from, or one picked from every project's environments. */
export async function environmentFrom(context: CommandContext, arg: unknown, options: { includeProduction?: boolean } = {}): Promise<Environment | undefined> {
  // Every tree node below an environment (deployments, preview links, the inbox and its messages) carries it.
  if (
    arg instanceof EnvironmentNode ||
    arg instanceof DeploymentNode ||
    arg instanceof PreviewLinksNode ||
    arg instanceof PreviewLinkNode ||
    arg instanceof CommentsNode ||
    arg instanceof CommentThreadNode ||
    arg instanceof DatabaseNode ||
    arg instanceof AssetsNode ||
    arg instanceof ChecksNode ||
    arg instanceof VisualResultNode ||
    arg instanceof PerformanceResultNode ||
    arg instanceof InboxNode ||
    arg instanceof MailMessageNode
  )
    return arg.environment;
  if (arg && typeof arg === 'object' && 'project' in arg && 'name' in arg && 'kind' in arg) return arg as Environment;
  const projects = await context.session.api.projects();
  const environments = (await Promise.all(projects.map((p) => context.session.api.environments(p.name))))
    .flat()
    .filter((e) => options.includeProduction || e.kind !== 'production');
  const picked = await vscode.window.showQuickPick(
    environments.map((env) => ({
      label: env.name,
      description: `${env.project} · ${env.status}`,
      detail: env.branch ? `branch ${env.branch}` : undefined,
      env,
    })),
    { title: 'Staging environment', placeHolder: 'Pick an environment' },
  );
  return picked?.env;
}

/** A branch, tag or commit, the current branch first. */
export async function refToDeploy(project: string): Promise<string | undefined> {
  const local = (await workspaceProjects()).find((p) => p.name === project);
  const refs = local ? await trustedGitRefs(local.config.fsPath) : { branches: [], tags: [] };
  const items: (vscode.QuickPickItem & { ref?: string })[] = [
    ...refs.branches.map((ref, index) => ({ label: ref, description: index === 0 && local ? 'current branch' : 'branch', ref })),
    ...refs.tags.map((ref) => ({ label: ref, description: 'tag', ref })),
    { label: '$(git-commit) Enter a commit, branch or tag…' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Deploy to ${project}`, placeHolder: 'Branch, tag or commit' });
  if (!picked) return undefined;
  if (picked.ref) return picked.ref;
  return vscode.window.showInputBox({
    title: 'Deploy a ref',
    prompt: 'A branch, tag or commit',
    validateInput: (value) => (/^[^\s~^:?*[\\]+$/.test(value) ? undefined : 'Not a valid git ref'),
  });
}

/** The folder of the workspace project, for git. */
export async function projectFolder(project: string): Promise<string | undefined> {
  const local = (await workspaceProjects()).find((p) => p.name === project);
  return local ? path.dirname(local.config.fsPath) : undefined;
}

export async function deploymentFrom(
  context: CommandContext,
  arg: unknown,
  env: Environment,
  filter: (d: Deployment) => boolean,
  title: string,
): Promise<Deployment | undefined> {
  if (arg instanceof DeploymentNode) return arg.deployment;
  const history = (await context.session.api.deployments(env.project, env.name, 50)).filter(filter);
  if (history.length === 0) {
    await vscode.window.showInformationMessage(`${env.name} has no deployment to pick for this.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    history.map((d) => ({
      label: `${d.ref} ${d.commit?.slice(0, 12) ?? ''}`,
      description: `${d.status} · ${d.deployed_by}`,
      detail: new Date(d.created_at).toLocaleString(),
      d,
    })),
    { title },
  );
  return picked?.d;
}
