import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import * as vscode from 'vscode';
import type { BranchesRequest } from '../../common/src/lsp-protocol';
import { gitRefs, unpushedCommit } from './git-refs';

// Git runs what a repository's own config asks for (core.fsmonitor, hooks): in Restricted Mode it is not run at all,
// as VS Code's Git extension does. Everything below asks for trust first.

/** A repository's branches and tags; none in Restricted Mode, nor where there is no repository on disk (a virtual workspace). */
export async function trustedGitRefs(filePath: string): Promise<BranchesRequest.Result> {
  // A folder that is not on disk (a virtual workspace's) has no repository; git's own failures still show.
  if (!vscode.workspace.isTrusted || !existsSync(path.dirname(filePath))) return { branches: [], tags: [] };
  return gitRefs(filePath);
}

/** The unpushed commit a ref names (see unpushedCommit); not looked for in Restricted Mode. */
export function trustedUnpushedCommit(folder: string, ref: string): Promise<string | undefined> {
  return vscode.workspace.isTrusted ? unpushedCommit(folder, ref) : Promise.resolve(undefined);
}

/** A git of the folder, when the workspace is trusted; in Restricted Mode an error that says to trust it, and why. */
export function trustedGit(folder: string, purpose: string): SimpleGit {
  if (!vscode.workspace.isTrusted)
    throw new Error(`This workspace is in Restricted Mode: trust it (Manage Workspace Trust) to ${purpose}; until then Staging runs no git in it.`);
  return simpleGit(folder);
}

/** The branch checked out in a folder; undefined in Restricted Mode. */
export async function trustedCurrentBranch(folder: string): Promise<string | undefined> {
  return vscode.workspace.isTrusted ? (await simpleGit(folder).branch()).current : undefined;
}
