import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** A copy of examples/hello-node in a new folder (named from `prefix`) with `config` as its staging.yaml: a git repository, main and develop. */
export function helloNodeProject(prefix: string, config: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  cpSync(join(__dirname, '..', '..', '..', 'examples', 'hello-node'), folder, { recursive: true });
  writeFileSync(join(folder, 'staging.yaml'), config);
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], { cwd: folder, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'hello-node');
  git('branch', 'develop');
  return folder;
}

/** Adds (or removes) a folder to the workspace, after the ones the harness opens: the tree shows the workspace's projects. */
export async function workspaceFolder(folder: string, add: boolean): Promise<void> {
  const changed = new Promise((resolve) => {
    const subscription = vscode.workspace.onDidChangeWorkspaceFolders(() => {
      subscription.dispose();
      resolve(undefined);
    });
  });
  const count = vscode.workspace.workspaceFolders?.length ?? 0;
  assert.ok(add ? vscode.workspace.updateWorkspaceFolders(count, 0, { uri: vscode.Uri.file(folder) }) : vscode.workspace.updateWorkspaceFolders(count - 1, 1));
  await changed;
}
