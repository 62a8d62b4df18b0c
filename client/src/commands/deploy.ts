import * as vscode from 'vscode';
import type { Deployment, Environment } from '../api/staging-api';
import { trustedGit, trustedUnpushedCommit } from '../trusted-git';
import type { CommandContext } from './command-context';
import { environmentFrom, projectFolder, refToDeploy } from './pickers';
import { isLocalApi } from '../local-api';
import { openPreview } from '../open-preview';

const steps: Partial<Record<Deployment['status'], string>> = { queued: 'Queued', building: 'Building…', starting: 'Starting and checking health…' };

/** Deploys and follows it to the end through the live events, with progress steps; cancelling only stops watching. */
export async function deployRef(context: CommandContext, env: Environment, ref: string): Promise<Deployment | undefined> {
  if (!(await confirmPushed(context, env, ref))) return undefined;
  const finished = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Deploying ${ref} to ${env.name}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const queued = await context.session.api.deploy(env.project, env.name, ref, abort.signal);
      context.notifier.followedHere(queued.id);
      await context.followed.set(env.project, env.name, true);
      progress.report({ message: `Queued ${queued.commit?.slice(0, 12) ?? ref}` });
      return new Promise<Deployment | undefined>((resolve) => {
        const subscription = context.events.onDeployment((deployment) => {
          if (deployment.id !== queued.id) return;
          const step = steps[deployment.status];
          if (step) progress.report({ message: step });
          if (deployment.status === 'live' || deployment.status === 'failed') {
            subscription.dispose();
            resolve(deployment);
          }
        });
        token.onCancellationRequested(() => {
          subscription.dispose();
          void vscode.window.showInformationMessage(`Stopped watching: ${ref} keeps deploying to ${env.name}.`);
          resolve(undefined);
        });
      });
    },
  );
  if (finished) void announce(env, finished);
  return finished;
}

/**
 * A stagingd on another machine fetches from the repository's remote: a commit that is only here would
 * deploy something older, or fail. Say so before deploying, and offer to push the branch.
 */
async function confirmPushed(context: CommandContext, env: Environment, ref: string): Promise<boolean> {
  const apiUrl = context.session.apiUrl();
  if (isLocalApi(apiUrl)) return true;
  const folder = await projectFolder(env.project);
  const commit = folder ? await trustedUnpushedCommit(folder, ref) : undefined;
  if (!folder || !commit) return true;
  const git = trustedGit(folder, 'push a branch');
  const isBranch = (await git.branchLocal()).all.includes(ref);
  const remote = (await git.getRemotes()).map((r) => r.name).find((name) => name === 'origin');
  const choice = await vscode.window.showWarningMessage(
    `${ref} is at ${commit.slice(0, 7)}, which is not pushed. The staging API at ${new URL(apiUrl).host} can only deploy what it can fetch from the remote.`,
    { modal: true },
    ...(isBranch && remote ? ['Push and Deploy'] : []),
    'Deploy Anyway',
  );
  if (choice === 'Push and Deploy') {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Pushing ${ref} to ${remote}` }, () =>
      git.push(remote, ref, ['--set-upstream']),
    );
    return true;
  }
  return choice === 'Deploy Anyway';
}

/** A notification for a deployment that finished, with what to do next. */
async function announce(env: Environment, deployment: Deployment): Promise<void> {
  if (deployment.status === 'live') {
    // The registered staging.yaml built and ran it, not the commit's own.
    const differs = deployment.config_differs ? ` Its staging.yaml differs from the one registered for ${env.project}, which it was deployed with.` : '';
    const choice = await vscode.window.showInformationMessage(
      `${deployment.ref} is live on ${env.name}.${differs}`,
      'Open',
      'Logs',
      ...(differs ? ['Update Project'] : []),
    );
    if (choice === 'Open') await openPreview(env.url);
    if (choice === 'Logs') await vscode.commands.executeCommand('staging.openLogViewer', deployment);
    if (choice === 'Update Project') await vscode.commands.executeCommand('staging.updateProject', env.project);
    return;
  }
  const choice = await vscode.window.showErrorMessage(
    `Deploying ${deployment.ref} to ${env.name} failed: ${deployment.reason ?? 'see the log'}. The previous release keeps serving.`,
    'Logs',
    'Roll Back',
  );
  if (choice === 'Logs') await vscode.commands.executeCommand('staging.openLogViewer', deployment);
  if (choice === 'Roll Back') await vscode.commands.executeCommand('staging.rollback', env);
}

export async function deployBranch(context: CommandContext, arg?: unknown): Promise<Deployment | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const ref = await refToDeploy(env.project);
  return ref ? deployRef(context, env, ref) : undefined;
}

export async function deployCurrentBranch(context: CommandContext, arg?: unknown): Promise<Deployment | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const folder = await projectFolder(env.project);
  if (!folder) throw new Error(`Project ${env.project} is not in this workspace, so there is no current branch.`);
  const branch = (await trustedGit(folder, 'deploy its current branch').branch()).current;
  return deployRef(context, env, branch);
}
