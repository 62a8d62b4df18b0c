/// <reference types="mocha" />
// A multi-root workspace (the harness opens examples/hello-node and examples/blog together): each folder
// with a staging.yaml is a project, one the API does not know is offered for registration, and a
// staging.yaml the API refuses opens at its first diagnostic.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as vscode from 'vscode';
import { selectionIn } from './editor-selection';
import type { Project } from '../../client/src/api/staging-api';
import type { StagingExtensionApi } from '../../client/src/extension';
import { StagingdProcess } from '../api/support/stagingd-process';

suite('Multi-root workspace: one project per folder with a staging.yaml', () => {
  let stagingd: StagingdProcess;
  let extension: StagingExtensionApi;
  let blog: vscode.WorkspaceFolder;

  suiteSetup(async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 2, 'the harness opens two folders');
    blog = folders[1]!;
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], { cwd: blog.uri.fsPath, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'blog');
    stagingd = await StagingdProcess.start();
    await vscode.workspace.getConfiguration('staging').update('apiUrl', stagingd.apiUrl, vscode.ConfigurationTarget.Workspace);
    extension = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
    assert.equal(await vscode.commands.executeCommand('staging.signIn', stagingd.token), true);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('staging.signOut');
    await stagingd?.stop();
  });

  async function rootIds(): Promise<string[]> {
    return ((await extension.tree.getChildren()) ?? []).map((node) => String(node.treeItem().id));
  }

  test('lists both folders’ projects, neither registered with a fresh API, each offered for registration', async () => {
    const ids = await rootIds();
    assert.ok(ids.includes('unregistered:hello-node'), ids.join(', '));
    assert.ok(ids.includes('unregistered:blog'), ids.join(', '));
  });

  test('a staging.yaml the API refuses opens at its first diagnostic, and nothing is registered', async () => {
    const uri = vscode.Uri.joinPath(blog.uri, 'staging.yaml');
    const document = await vscode.workspace.openTextDocument(uri);
    const original = document.getText();
    const at = original.indexOf('expiry: 7d') + 'expiry: '.length;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(document.positionAt(at), document.positionAt(at + 2)), 'seven days');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const opened = selectionIn(uri);
    // The command reports the API's message in a notification it waits on, so it is not awaited here.
    void vscode.commands.executeCommand('staging.registerProject', 'blog');
    const editor = await opened;
    assert.deepEqual(
      [editor.selection.start.line, editor.selection.start.character, editor.document.getText(editor.selection)],
      [document.positionAt(at).line, document.positionAt(at).character, 'seven days'],
    );
    assert.deepEqual((await stagingd.api('GET', '/v1/projects')).body, { items: [] }, 'a refused staging.yaml registers nothing');
    const fix = new vscode.WorkspaceEdit();
    fix.replace(uri, new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)), original);
    assert.ok(await vscode.workspace.applyEdit(fix));
  });

  test('registers the blog folder, which then shows with its environments', async () => {
    const project = await vscode.commands.executeCommand<Project | undefined>('staging.registerProject', 'blog');
    assert.equal(project?.name, 'blog');
    assert.equal(project.repository, blog.uri.fsPath);
    const ids = await rootIds();
    assert.ok(ids.includes('project:blog') && !ids.includes('unregistered:blog'), ids.join(', '));
    assert.ok(ids.includes('unregistered:hello-node'), ids.join(', '));
    const projectNode = ((await extension.tree.getChildren()) ?? []).find((node) => node.treeItem().id === 'project:blog')!;
    const environments = ((await extension.tree.getChildren(projectNode)) ?? []).map((node) => String(node.treeItem().id));
    assert.deepEqual(environments.sort(), ['environment:blog/production', 'environment:blog/staging']);
  });
});
