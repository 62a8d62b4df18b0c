/// <reference types="mocha" />
// The extension as a user gets it: installed from `npm run package`'s VSIX into a fresh VS Code, with no checkout
// beside it (the workspace is a copy of examples/hello-node in a temporary folder). Start Local stagingd runs the
// stagingd the VSIX carries, on the extension host's own Node; the example is registered, deployed and serves.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Deployment, Environment } from '../../client/src/api/staging-api';
import type { StagingExtensionApi } from '../../client/src/extension';

/** GET through the preview proxy on loopback with the preview's Host (no DNS for *.localhost needed). */
function preview(url: string): Promise<{ status: number; body: string }> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(port), path: pathname, headers: { host: `${hostname}:${port}` } }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

suite('The extension from its VSIX alone', () => {
  let staging: vscode.Extension<StagingExtensionApi>;
  let folder: string;

  suiteSetup(async () => {
    const found = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging');
    assert.ok(found, 'the extension is installed');
    staging = found;
    folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.ok(!staging.extensionPath.startsWith(folder), 'the extension is not the workspace');
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], { cwd: folder, encoding: 'utf8' });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'hello-node');
    git('checkout', '-q', '-b', 'develop');
    await staging.activate();
  });

  suiteTeardown(async () => {
    // Closing the terminal stops stagingd (SIGHUP) and the releases it started.
    for (const terminal of vscode.window.terminals.filter((t) => t.name === 'stagingd')) terminal.dispose();
    await new Promise((resolve) => setTimeout(resolve, 3000));
  });

  test('ships stagingd, not only the extension', () => {
    for (const file of ['bin/stagingd.js', 'dist/stagingd.js', 'dist/node_modules/libsql/package.json']) {
      assert.ok(existsSync(join(staging.extensionPath, file)), `${file} is in the VSIX`);
    }
  });

  test('Start Local stagingd, Register Project, Deploy Current Branch: the example is live', async () => {
    const started = Date.now();
    assert.equal(await vscode.commands.executeCommand('staging.startLocalServer'), true, 'stagingd answers');
    console.log(`local stagingd answered ${Date.now() - started} ms after the command, on Node ${process.versions.node}`);
    const api = staging.exports.session;
    assert.equal(api.state, 'signedIn', 'signed in with the admin token stagingd wrote into the workspace');
    const project = await vscode.commands.executeCommand<{ name: string } | undefined>('staging.registerProject');
    assert.equal(project?.name, 'hello-node');
    const treeStarted = performance.now();
    const roots = (await staging.exports.tree.getChildren()) ?? [];
    const treeMs = performance.now() - treeStarted;
    assert.ok(
      roots.some((node) => node.treeItem().id === 'project:hello-node'),
      'the project is in the tree',
    );
    console.log(
      `from the VSIX: activate() took ${staging.exports.activatedInMs} ms; the session was known ${String(staging.exports.sessionKnownInMs)} ms after activation began; the tree's first level takes ${treeMs.toFixed(0)} ms`,
    );
    const env: Environment = await api.api.environment('hello-node', 'staging');
    const queued = await vscode.commands.executeCommand<Deployment | undefined>('staging.deployCurrentBranch', env);
    assert.ok(queued, 'a deployment was made');
    assert.equal(queued.ref, 'develop');
    let deployment = queued;
    for (const deadline = Date.now() + 120_000; !['live', 'failed', 'cancelled'].includes(deployment.status) && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      deployment = await api.api.deployment(queued.id);
    }
    assert.equal(deployment.status, 'live', deployment.reason ?? '');
    const page = await preview(env.url);
    assert.equal(page.status, 200, page.body);
    assert.match(page.body, /hello/i);
  });
});
