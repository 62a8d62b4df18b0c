/// <reference types="mocha" />
// The environment detail panel against a real stagingd, in a real VS Code: its page renders the history and
// the variables with the secret masked (its value never reaches the page), and follows a new deployment
// through the live events.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Deployment, Environment, PreviewLinkCreated } from '../../client/src/api/staging-api';
import type { StagingExtensionApi } from '../../client/src/extension';
import type { EnvironmentPanel } from '../../client/src/panels/environment-panel';
import type { StagingNode } from '../../client/src/tree/nodes';
import { StagingdProcess } from '../api/support/stagingd-process';
import { renderedWhen } from './panel-rendered';
import { paintsAfterCloseAtOnce } from './webview-handover';

const environmentPath = '/v1/projects/hello-node/environments/staging';
const secretValue = 'sk_test_never-on-the-page-5b1f0c';

suite('Environment detail panel with a real stagingd', () => {
  let stagingd: StagingdProcess;
  let repository: string;
  let panel: EnvironmentPanel | undefined;
  const git = (...args: string[]): string =>
    execFileSync('git', ['-c', 'user.email=dev@example.com', '-c', 'user.name=Dev', ...args], { cwd: repository, encoding: 'utf8' }).trim();

  async function deploy(ref: string): Promise<Deployment> {
    const queued = await stagingd.api<Deployment>('POST', `${environmentPath}/deployments`, { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    return queued.body;
  }

  suiteSetup(async () => {
    // The project's repository is a copy of the workspace folder's files with its own history, so this suite
    // leaves the workspace folder's git to the other suites, whichever runs first.
    const folder = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    repository = mkdtempSync(join(tmpdir(), 'staging-environment-panel-'));
    cpSync(folder, repository, { recursive: true, filter: (source) => source === folder || statSync(source).isFile() });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'hello-node');
    git('checkout', '-q', '-b', 'develop');
    stagingd = await StagingdProcess.start();
    const created = await stagingd.api('POST', '/v1/projects', { repository });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const first = await deploy('develop');
    assert.equal((await stagingd.waitForDeployment(first.id)).status, 'live');
    const variables = await stagingd.api('PUT', `${environmentPath}/variables`, {
      items: [
        { name: 'GREETING', value: 'Hello from the panel test', secret: false },
        { name: 'API_KEY', value: secretValue, secret: true },
      ],
    });
    assert.equal(variables.status, 200, JSON.stringify(variables.body));
    await vscode.workspace.getConfiguration('staging').update('apiUrl', stagingd.apiUrl, vscode.ConfigurationTarget.Workspace);
    assert.equal(await vscode.commands.executeCommand('staging.signIn', stagingd.token), true);
    const extension = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
    assert.equal(extension.session.state, 'signedIn');
  });

  suiteTeardown(async () => {
    panel?.dispose();
    // Signed out, as the suites that follow expect to find the extension.
    await vscode.commands.executeCommand('staging.signOut');
    await stagingd?.stop();
    if (repository) rmSync(repository, { recursive: true, force: true });
  });

  test('renders the history and the variables, with the secret masked and its value never posted to the page', async () => {
    const env = (await stagingd.api<Environment>('GET', environmentPath)).body;
    panel = await vscode.commands.executeCommand<EnvironmentPanel | undefined>('staging.openEnvironment', env);
    assert.ok(panel, 'the command returns the panel');
    const { database, assets, ...rendered } = await renderedWhen(panel, () => true);
    assert.deepEqual(rendered, { deployments: 1, variables: 2, maskedSecrets: 1, activePreviewLinks: 0, status: 'active' });
    // hello-node's staging.yaml has no database section: no database, and Sync Now is off, saying why.
    assert.deepEqual(
      { ...database, text: undefined },
      { availability: 'not configured', lastStatus: null, rows: null, syncNow: false, cancel: false, text: undefined },
    );
    assert.match(
      database?.text ?? '',
      /Not configured: staging\.yaml has no database section\..*Sync Now is off: staging\.yaml gives this environment no database of its own/,
    );
    // Nor an assets section: no asset sync, and Sync Now is off, saying why.
    assert.deepEqual(
      { ...assets, text: undefined },
      { availability: 'not configured', lastStatus: null, files: null, copied: null, syncNow: false, text: undefined },
    );
    assert.match(assets?.text ?? '', /^Not configured: staging\.yaml has no assets section\. .*Sync Now is off: staging\.yaml has no assets section\.$/);

    const posted = panel.posted;
    assert.ok(posted, 'the host posted a state');
    assert.ok(!JSON.stringify(posted).includes(secretValue), 'the secret value is in nothing the page was given');
    assert.deepEqual(
      [...posted.variables].sort((a, b) => a.name.localeCompare(b.name)),
      [
        { name: 'API_KEY', secret: true, value: null },
        { name: 'GREETING', secret: false, value: 'Hello from the panel test' },
      ],
    );
    assert.equal(posted.environment.commit, git('rev-parse', 'develop'));
    // hello-node's staging.yaml has neither a database nor preview settings: the page says so, and shows no links.
    assert.equal(posted.database.config.configured, false);
    assert.deepEqual(posted.previews, { links: [], settings: { declared: false, password: 'optional', expiry: '7d', access: 'public', feedback: true } });

    const again = await vscode.commands.executeCommand<EnvironmentPanel | undefined>('staging.openEnvironment', env);
    assert.equal(again, panel, 'one panel per environment: opening it again reveals it');
  });

  test('follows the live events: a deployment made elsewhere shows up in the history', async () => {
    assert.ok(panel, 'the panel of the first test');
    writeFileSync(join(repository, 'CHANGELOG.md'), 'A second release\n');
    git('add', 'CHANGELOG.md');
    git('commit', '-q', '-m', 'second release');
    const second = await deploy('develop');
    const rendered = await renderedWhen(panel, (r) => r.deployments === 2);
    assert.equal(rendered.variables, 2);
    assert.equal((await stagingd.waitForDeployment(second.id)).status, 'live');
    await renderedWhen(panel, () => panel?.posted?.environment.commit === git('rev-parse', 'develop'));
    assert.deepEqual(
      panel.posted?.deployments.map((d) => [d.status, d.canRollBack, d.canPromote]),
      [
        ['live', false, true],
        ['superseded', true, true],
      ],
    );
  });

  test('shares a preview link: the URL goes to the clipboard only, it works, and the tree and the panel list the link', async () => {
    assert.ok(panel, 'the panel of the first test');
    const env = (await stagingd.api<Environment>('GET', environmentPath)).body;
    const created = await vscode.commands.executeCommand<PreviewLinkCreated | undefined>('staging.sharePreview', env, {
      label: 'Client review',
      password: 'correct horse battery',
      expiresIn: '3d',
    });
    assert.ok(created, 'the command returns the new link');
    assert.ok(created.url.includes('staging_preview='), created.url);
    assert.equal(await vscode.env.clipboard.readText(), created.url);
    const url = new URL(created.url);
    const visit = await stagingd.preview(url.host.replace(/:\d+$/, ''), `${url.pathname}${url.search}`);
    assert.equal(visit.status, 200, 'the link shows its password form');
    assert.match(visit.body, /type="password"/);
    await renderedWhen(panel, (r) => r.activePreviewLinks === 1);
    assert.deepEqual(
      panel.posted?.previews.links.map((l) => [l.label, l.status, l.passwordProtected]),
      [['Client review', 'active', true]],
    );
    assert.ok(!JSON.stringify(panel.posted).includes(url.searchParams.get('staging_preview')!), 'the token never reaches the page');
    const extension = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
    const links = await linksNode(extension);
    assert.equal(links.treeItem().description, '1 active');
    const [link] = (await extension.tree.getChildren(links)) ?? [];
    assert.deepEqual([link?.treeItem().label, link?.treeItem().contextValue], ['Client review', 'previewLink.active']);
  });

  test('a link revoked elsewhere shows as revoked at once, through the live events', async () => {
    assert.ok(panel, 'the panel of the first test');
    const [link] = (await stagingd.api<{ items: { id: string }[] }>('GET', `${environmentPath}/previews`)).body.items;
    assert.equal((await stagingd.api('DELETE', `/v1/previews/${link!.id}`)).status, 204);
    await renderedWhen(panel, (r) => r.activePreviewLinks === 0);
    assert.deepEqual(
      panel.posted?.previews.links.map((l) => l.status),
      ['revoked'],
    );
  });

  test('comes back after a reload from the state its page kept, and never as a second copy', async () => {
    assert.ok(panel, 'the panel of the first test');
    const staging = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!;
    const { panels } = staging.exports;
    // What VS Code hands a serializer after a reload: a panel with the options it was made with.
    const options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(staging.extensionUri, 'dist', 'webview')] };
    const key = { project: 'hello-node', environment: 'staging' };
    const serializer = panels.environments.serializer();
    const reloaded = (state: unknown): Promise<boolean> => {
      const page = vscode.window.createWebviewPanel(panels.environments.viewType, 'reloaded', vscode.ViewColumn.Active, options);
      let closed = false;
      page.onDidDispose(() => (closed = true));
      return Promise.resolve(serializer.deserializeWebviewPanel(page, state)).then(() => closed);
    };
    assert.equal(await reloaded(key), true, 'the environment is open already: the copy is closed');
    assert.equal(await reloaded({ deploymentId: 'not an environment' }), true, 'a state that is not an environment: closed');
    assert.equal(panels.environments.get(key), panel, 'the open panel stays the one');

    panel.dispose();
    assert.equal(panels.environments.get(key), undefined, 'a closed panel leaves the open ones');
    assert.equal(await reloaded(key), false, 'restored');
    panel = panels.environments.get(key);
    assert.ok(panel, 'the environment has its panel again');
    // Its page renders; not awaited where VS Code makes a page opened right after a close wait (1.99).
    if (paintsAfterCloseAtOnce()) {
      const { database: _, assets: __, ...rendered } = await renderedWhen(panel, (r) => r.deployments === 2);
      assert.deepEqual(rendered, { deployments: 2, variables: 2, maskedSecrets: 1, activePreviewLinks: 0, status: 'active' });
    }
  });

  test('a followed environment notifies of a review and of a deployment made elsewhere', async () => {
    const extension = vscode.extensions.getExtension<StagingExtensionApi>('staging-dev.staging')!.exports;
    const env = (await stagingd.api<Environment>('GET', environmentPath)).body;
    await vscode.commands.executeCommand('staging.follow', env);
    const notifications: string[] = [];
    const listening = extension.notifier.onDidNotify((message) => notifications.push(message));
    const notified = (pattern: RegExp): Promise<void> =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + 30_000;
        const poll = (): void => {
          if (notifications.some((m) => pattern.test(m))) resolve();
          else if (Date.now() > deadline) reject(new Error(`no notification matched ${String(pattern)}: ${JSON.stringify(notifications)}`));
          else setTimeout(poll, 50);
        };
        poll();
      });
    try {
      const reviewer = await stagingd.api<{ token: string }>('POST', '/v1/tokens', { name: 'qa-lead', scopes: ['deploy'] });
      const review = await stagingd.api(
        'POST',
        `/v1/deployments/${env.live_deployment_id}/reviews`,
        { decision: 'request_changes', comment: 'The footer overlaps' },
        { token: reviewer.body.token },
      );
      assert.equal(review.status, 201, JSON.stringify(review.body));
      await notified(/^qa-lead requested changes on staging: “The footer overlaps”$/);
      const third = await deploy('main');
      await notified(new RegExp(`^main \\([0-9a-f]{7}\\) by admin is live on staging\\.$`));
      assert.equal((await stagingd.waitForDeployment(third.id)).status, 'live');
      await vscode.commands.executeCommand('staging.unfollow', env);
      const before = notifications.length;
      const approval = await stagingd.api('POST', `/v1/deployments/${env.live_deployment_id}/reviews`, { decision: 'approve' }, { token: reviewer.body.token });
      assert.equal(approval.status, 201);
      await stagingd.waitForEvent('approval.given', (data: { reviewer: string }) => data.reviewer === 'qa-lead');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(notifications.slice(before), [], 'an environment no longer followed stays quiet');
    } finally {
      listening.dispose();
    }
  });
});

/** The "Preview links" node under the staging environment in the tree (nodes are matched by id: the extension runs from its bundle). */
async function linksNode(extension: StagingExtensionApi): Promise<StagingNode> {
  const children = async (node?: StagingNode): Promise<StagingNode[]> => (await extension.tree.getChildren(node)) ?? [];
  const project = (await children()).find((n) => n.treeItem().id === 'project:hello-node');
  assert.ok(project, 'the project is in the tree');
  const env = (await children(project)).find((n) => n.treeItem().id === 'environment:hello-node/staging');
  assert.ok(env, 'the staging environment is in the tree');
  const links = (await children(env)).find((n) => n.treeItem().id === 'previews:hello-node/staging');
  assert.ok(links, 'the environment lists its preview links');
  return links;
}
