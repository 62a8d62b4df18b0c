/// <reference types="mocha" />
// The deployment log viewer against a real stagingd, in a real VS Code: opened from a deployment in the tree, its
// page receives the build, system and runtime lines stagingd streams (the test searches the page for them), one
// panel a deployment; a failed deployment's log ends and the page marks it complete.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Deployment } from '../../client/src/api/staging-api';
import type { StagingExtensionApi } from '../../client/src/extension';
import type { LogViewerPanel } from '../../client/src/panels/log-viewer-panel';
import type { DeploymentNode, StagingNode } from '../../client/src/tree/nodes';
import { helloNodeRepository } from '../api/support/git-fixture';
import { StagingdProcess } from '../api/support/stagingd-process';

/** Resolves once the page has reported receiving what `accept` wants: now, or on a later report. */
function receivedWhen(panel: LogViewerPanel, accept: () => boolean, timeoutMs = 30_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (accept()) return resolve();
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`the page never reported what the test waits for; last: ${panel.lineCount} lines, complete: ${String(panel.complete)}`));
    }, timeoutMs);
    const subscription = panel.onDidReceive(() => {
      if (!accept()) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve();
    });
  });
}

suite('Deployment log viewer with a real stagingd', () => {
  let stagingd: StagingdProcess;
  let extension: StagingExtensionApi;
  let repository: ReturnType<typeof helloNodeRepository>;
  let live: Deployment;
  let failed: Deployment;

  async function deploy(ref: string, status: 'live' | 'failed'): Promise<Deployment> {
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/hello-node/environments/staging/deployments', { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const done = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(done.status, status, JSON.stringify(done));
    return done;
  }

  /** How many lines the deployment's log has now, read as plain text from stagingd. */
  async function logLines(deployment: Deployment): Promise<string[]> {
    const text = (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body;
    return text.split('\n').slice(0, -1);
  }

  async function open(arg: unknown): Promise<LogViewerPanel> {
    const panel = await vscode.commands.executeCommand<LogViewerPanel | undefined>('staging.openLogViewer', arg);
    assert.ok(panel, 'the command answers the panel');
    return panel;
  }

  suiteSetup(async () => {
    // A repository of its own (a copy of examples/hello-node with branches): the workspace folders' git stays the
    // other suites', whichever runs first.
    repository = helloNodeRepository();
    stagingd = await StagingdProcess.start();
    const created = await stagingd.api('POST', '/v1/projects', { repository: repository.dir });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    live = await deploy('develop', 'live');
    failed = await deploy('build-fails', 'failed');
    await vscode.workspace.getConfiguration('staging').update('apiUrl', stagingd.apiUrl, vscode.ConfigurationTarget.Workspace);
    assert.equal(await vscode.commands.executeCommand('staging.signIn', stagingd.token), true);
    extension = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
    assert.equal(extension.session.state, 'signedIn');
  });

  suiteTeardown(async () => {
    // All at once: closing webview panels one after the other races the workbench activating the next one.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Signed out, as the suites that follow expect to find the extension.
    await vscode.commands.executeCommand('staging.signOut');
    await stagingd?.stop();
    if (repository) rmSync(repository.dir, { recursive: true, force: true });
  });

  async function deploymentNode(deployment: Deployment): Promise<DeploymentNode> {
    // The extension runs from its bundle, so its node classes are not the ones this file imports: match by id.
    const children = async (node?: StagingNode): Promise<StagingNode[]> => (await extension.tree.getChildren(node)) ?? [];
    const project = (await children()).find((n) => n.treeItem().id === 'project:hello-node');
    assert.ok(project, 'the project is in the tree');
    const environment = (await children(project)).find((n) => n.treeItem().id === 'environment:hello-node/staging');
    assert.ok(environment, 'the staging environment is in the tree');
    const node = (await children(environment)).find((n): n is DeploymentNode => n.treeItem().id === `deployment:${deployment.id}`);
    assert.ok(node, 'the deployment is in the tree');
    return node;
  }

  test('opens a deployment from the tree; its page receives the build, system and runtime lines', async () => {
    const started = Date.now();
    const panel = await open(await deploymentNode(live));
    const expected = await logLines(live);
    assert.ok(expected.includes('build ok'), `the example's build printed its line: ${expected.join(' | ')}`);
    // Runtime lines may keep coming (requests): at least every line there was when the panel opened.
    await receivedWhen(panel, () => panel.lineCount >= expected.length);
    console.log(`log viewer: ${panel.lineCount} lines in the page ${Date.now() - started} ms after the command`);
    const build = await panel.search('build ok');
    assert.equal(build.total, 1, JSON.stringify(build));
    assert.deepEqual(build.match, { line: expected.indexOf('build ok') + 1, stream: 'build', text: 'build ok' });
    const runtime = await panel.search('listening on');
    assert.equal(runtime.match?.stream, 'runtime', JSON.stringify(runtime));
    assert.match(runtime.match.text, /^hello-node release .+ listening on http:\/\//);
    const system = await panel.search('Building: npm run build');
    assert.equal(system.match?.stream, 'system', JSON.stringify(system));
    assert.equal(panel.complete, false, 'a live deployment’s log goes on');
  });

  test('one panel a deployment: opening it again reveals the same panel', async () => {
    const first = await open(live);
    assert.equal(await open(live.id), first);
    assert.equal(await open(await deploymentNode(live)), first);
  });

  test('a failed deployment’s log ends, and the page marks it complete with every line', async () => {
    const panel = await open(failed.id);
    await receivedWhen(panel, () => panel.complete);
    const expected = await logLines(failed);
    assert.equal(panel.lineCount, expected.length, 'every line of a finished log is in the page once it is complete');
    const error = await panel.search('compile error');
    assert.deepEqual(error.match, { line: expected.indexOf('compile error: unexpected token') + 1, stream: 'build', text: 'compile error: unexpected token' });
    const other = await open(live);
    assert.notEqual(other, panel, 'another deployment, another panel');
    assert.equal(other.deploymentId, live.id);
    // Shown again after it was hidden (the page reloads), the live log's page has its lines again.
    assert.equal((await other.search('build ok')).total, 1);
  });
});
