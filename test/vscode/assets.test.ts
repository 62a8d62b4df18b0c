/// <reference types="mocha" />
// staging.yaml's assets in a real VS Code against a real stagingd (its default sandbox): a project whose assets come
// from a directory; the staging environment's Assets node shows the sync made with it, Staging: Sync Assets runs
// one (told when it ends), the environment panel's Assets section reports what each sync found and copied, Sync Now
// there syncs again (nothing to copy), a followed environment tells of a sync asked for elsewhere and of a failure
// with its reason; production gets no node, and Sync Now is off there, saying why. With the Docker runner (when a
// Docker Engine answers) stagingd cannot sync: the node says unavailable, with the reason in its tooltip.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { AssetSync, Environment } from '../../client/src/api/staging-api';
import type { EnvironmentPanel } from '../../client/src/panels/environment-panel';
import type { AssetsRendered } from '../../webview/src/environment/protocol';
import { StagingdProcess } from '../api/support/stagingd-process';
import { eventually } from './eventually';
import { renderedWhen } from './panel-rendered';
import { signInTo } from './sign-in';
import { helloNodeProject, workspaceFolder } from './workspace-folder';
import { notifications } from './notifications';
import { underEnvironment } from './environment-nodes';

const project = 'hello-assets';
const environmentPath = (name: string): string => `/v1/projects/${project}/environments/${name}`;

async function assetsNode(): Promise<vscode.TreeItem | undefined> {
  return (await underEnvironment(project, 'staging')).find((n) => n.treeItem().id === `assets:${project}/staging`)?.treeItem();
}

/** The Assets node once its description is `description`. */
function assetsNodeWhen(description: string): Promise<vscode.TreeItem> {
  return eventually(`the Assets node to say “${description}”`, async () => {
    const node = await assetsNode();
    return node?.description === description ? node : undefined;
  });
}

/** Resolves with the page's assets section once `accept` takes what it rendered: now, or on a later render. */
async function assetsRenderedWhen(panel: EnvironmentPanel, accept: (assets: AssetsRendered) => boolean): Promise<AssetsRendered> {
  return (await renderedWhen(panel, (rendered) => rendered.assets !== null && accept(rendered.assets))).assets!;
}

/** The Assets section of an environment's panel as it first renders; the panel is closed after. */
async function renderedAssetsOf(env: Environment): Promise<AssetsRendered> {
  const panel = await vscode.commands.executeCommand<EnvironmentPanel | undefined>('staging.openEnvironment', env);
  assert.ok(panel, 'the command returns the panel');
  try {
    return await assetsRenderedWhen(panel, () => true);
  } finally {
    panel.dispose();
  }
}

suite('Asset sync in VS Code', () => {
  // Outside /tmp (which the release sandbox replaces), readable by the unprivileged user the copy runs as.
  let source: string;
  let folder: string;

  function sourceFile(name: string, content: string): void {
    writeFileSync(join(source, name), content);
    chmodSync(join(source, name), 0o644);
  }

  /** Registers the project: stagingd makes its environments, and syncs the staging environment's assets at once. */
  async function register(stagingd: StagingdProcess): Promise<Environment> {
    const created = await stagingd.api('POST', '/v1/projects', { repository: folder });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await signInTo(stagingd);
    return (await stagingd.api<Environment>('GET', environmentPath('staging'))).body;
  }

  suiteSetup(async () => {
    source = mkdtempSync('/var/tmp/staging-assets-source-');
    chmodSync(source, 0o755);
    sourceFile('logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    sourceFile('terms.txt', 'Terms of service\n');
    const example = readFileSync(join(__dirname, '..', '..', '..', 'examples', 'hello-node', 'staging.yaml'), 'utf8');
    const config = `${example.replace('project: hello-node', `project: ${project}`)}\nassets:\n  source: ${source}\n  target: public/uploads\n`;
    folder = helloNodeProject('staging-assets-', config);
    await workspaceFolder(folder, true);
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (vscode.workspace.workspaceFolders?.some((f) => f.uri.fsPath === folder)) await workspaceFolder(folder, false);
    for (const dir of [folder, source]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  suite('with the local runner', () => {
    let stagingd: StagingdProcess;
    let env: Environment;
    let panel: EnvironmentPanel | undefined;

    suiteSetup(async () => {
      stagingd = await StagingdProcess.start();
      env = await register(stagingd);
      const created = await stagingd.waitForEvent<AssetSync>(
        'assets.sync.updated',
        (s) => s.environment === 'staging' && ['succeeded', 'failed'].includes(s.status),
      );
      assert.equal(created.status, 'succeeded', created.reason ?? '');
    });

    suiteTeardown(async () => {
      panel?.dispose();
      if (env) await vscode.commands.executeCommand('staging.unfollow', env);
      await vscode.commands.executeCommand('staging.signOut');
      await stagingd?.stop();
      if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    });

    test('the staging environment’s Assets node shows the sync made with it; production has none', async () => {
      const node = await assetsNodeWhen('synced just now · 2 copied');
      assert.deepEqual([node.label, node.contextValue, (node.iconPath as vscode.ThemeIcon).id], ['Assets', 'assets', 'file-media']);
      assert.equal(typeof node.tooltip, 'string');
      const tooltip = node.tooltip as string;
      assert.ok(tooltip.startsWith(`Files from ${source}, seen by releases at public/uploads.\n\n`), tooltip);
      assert.match(tooltip, /\n\nLast sync succeeded .*, when the environment was created\.\n\n2 files, 2 copied \(58 B\)\.$/);
      assert.deepEqual(node.command?.command, 'staging.openEnvironment');
      const production = (await underEnvironment(project, 'production')).map((n) => n.treeItem().id);
      assert.ok(production.length > 0, 'production lists its deployments');
      assert.ok(!production.some((id) => id?.startsWith('assets:')), `production has no Assets node: ${JSON.stringify(production)}`);
    });

    test('Sync Assets runs a sync and tells what it copied; the node and the panel’s Assets section report it', async () => {
      sourceFile('banner.png', 'not really a PNG');
      const told = notifications();
      try {
        const sync = await vscode.commands.executeCommand<AssetSync | undefined>('staging.syncAssets', env);
        assert.deepEqual([sync?.status, sync?.trigger, sync?.requested_by], ['queued', 'manual', 'admin']);
        assert.deepEqual(await told.matching(/assets of staging/), ['The assets of staging are synced: 3 files, 1 copied (16 B).']);
      } finally {
        told.dispose();
      }
      await assetsNodeWhen('synced just now · 1 copied');

      panel = await vscode.commands.executeCommand<EnvironmentPanel | undefined>('staging.openEnvironment', env);
      assert.ok(panel, 'the command returns the panel');
      const assets = await assetsRenderedWhen(panel, (a) => a.lastStatus === 'succeeded');
      assert.deepEqual({ ...assets, text: '' }, { availability: 'available', lastStatus: 'succeeded', files: 3, copied: 1, syncNow: true, text: '' });
      assert.ok(
        assets.text.startsWith(
          'staging.yaml: into public/uploads; all files; files the source no longer has are kept; no schedule: synced when the environment is created and on demand. ' +
            `Source ${source}, copied into the environment’s own folder; its releases see the files at public/uploads. Sync Now Log Last sync `,
        ),
        assets.text,
      );
      assert.match(
        assets.text,
        /Last sync succeeded requested by admin; queued .*, started .*, ended .*\. 3 files at the source: 1 copied \(16 B\), 2 unchanged, 0 deleted\.$/,
      );
    });

    test('Sync Now in the panel syncs again, with nothing to copy; its log opens', async () => {
      assert.ok(panel, 'the panel of the test before');
      assert.equal(await panel.press('syncAssets'), true, 'Sync Now was enabled');
      const again = await assetsRenderedWhen(panel, (a) => a.lastStatus === 'succeeded' && a.copied === 0);
      assert.deepEqual([again.files, again.syncNow], [3, true]);
      assert.match(again.text, /3 files at the source: 0 copied \(0 B\), 3 unchanged, 0 deleted\.$/);
      await assetsNodeWhen('synced just now · 0 copied');
      const { items } = (await stagingd.api<{ items: AssetSync[] }>('GET', `${environmentPath('staging')}/assets/syncs?limit=5`)).body;
      assert.deepEqual(
        items.map((s) => [s.trigger, s.status, s.files, s.copied]),
        [
          ['manual', 'succeeded', 3, 0],
          ['manual', 'succeeded', 3, 1],
          ['created', 'succeeded', 2, 2],
        ],
      );
      assert.equal(await panel.press('assetSyncLog'), true, 'the last sync has a Log');
    });

    test('a followed environment tells of a sync asked for elsewhere and of a failure, with its reason; so does Sync Assets', async () => {
      assert.ok(panel, 'the panel of the tests before');
      await vscode.commands.executeCommand('staging.follow', env);
      const told = notifications();
      try {
        const elsewhere = await stagingd.api<AssetSync>('POST', `${environmentPath('staging')}/assets/syncs`);
        assert.equal(elsewhere.status, 202, JSON.stringify(elsewhere.body));
        assert.deepEqual(await told.matching(/assets of staging/), ['admin synced the assets of staging: 3 files, 0 copied (0 B).']);

        rmSync(source, { recursive: true, force: true });
        const reason = `${source} does not exist on stagingd's machine`;
        const failedElsewhere = await stagingd.api<AssetSync>('POST', `${environmentPath('staging')}/assets/syncs`);
        assert.equal(failedElsewhere.status, 202);
        const failure = `Syncing the assets of staging failed: ${reason}`;
        assert.deepEqual(await told.matching(/failed/), [failure]);

        // Started here: told by the command once, though the environment is followed too.
        const sync = await vscode.commands.executeCommand<AssetSync | undefined>('staging.syncAssets', env);
        assert.ok(sync, 'the command started a sync');
        await told.matching(/failed/, 2);
        const failed = await assetsRenderedWhen(panel, (a) => a.lastStatus === 'failed');
        assert.deepEqual([failed.files, failed.copied, failed.syncNow], [null, null, true]);
        assert.match(failed.text, /Last sync failed requested by admin; queued /);
        assert.ok(failed.text.endsWith(`. ${reason}`), failed.text);
        const node = await assetsNodeWhen('sync failed');
        assert.equal((node.iconPath as vscode.ThemeIcon).id, 'error');
        assert.ok((node.tooltip as string).endsWith(`, requested by admin.\n\n${reason}`), JSON.stringify(node.tooltip));
        assert.deepEqual(told.messages, ['admin synced the assets of staging: 3 files, 0 copied (0 B).', failure, failure]);
      } finally {
        told.dispose();
        mkdirSync(source, { recursive: true, mode: 0o755 });
      }
    });

    test('production gets no assets: its panel says why Sync Now is off', async () => {
      const production = (await stagingd.api<Environment>('GET', environmentPath('production'))).body;
      const assets = await renderedAssetsOf(production);
      assert.deepEqual({ ...assets, text: '' }, { availability: 'not configured', lastStatus: null, files: null, copied: null, syncNow: false, text: '' });
      assert.match(
        assets.text,
        /No files are synced into this environment\. Sync Now Sync Now is off: production’s files are its own: asset syncs copy into staging environments\.$/,
      );
    });
  });

  suite('with the Docker runner', () => {
    let stagingd: StagingdProcess;

    suiteSetup(async function () {
      // stagingd starts the Docker runner only with an engine that answers (scripts/start-dockerd.sh); it says so.
      const dataDir = mkdtempSync(join(tmpdir(), 'stagingd-docker-runner-'));
      try {
        stagingd = await StagingdProcess.start({ dataDir, extraArgs: ['--runner', 'docker'] });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        rmSync(dataDir, { recursive: true, force: true });
        if (!message.includes('no Docker Engine answers')) throw error;
        if (process.env['STAGINGD_REQUIRE_DOCKER'] === '1') throw new Error(`STAGINGD_REQUIRE_DOCKER=1, but ${message}`);
        console.log('skipped: no Docker Engine answers (start one with scripts/start-dockerd.sh)');
        this.skip();
      }
    });

    suiteTeardown(async () => {
      await vscode.commands.executeCommand('staging.signOut');
      await stagingd?.stop();
      if (stagingd) rmSync(stagingd.dataDir, { recursive: true, force: true });
    });

    test('the Assets node says unavailable, with stagingd’s reason in its tooltip, and the panel turns Sync Now off with it', async () => {
      const env = await register(stagingd);
      const node = await assetsNodeWhen('unavailable');
      assert.deepEqual([node.contextValue, (node.iconPath as vscode.ThemeIcon).id], ['assets.unavailable', 'warning']);
      assert.equal(
        node.tooltip,
        'No asset sync: stagingd syncs assets only with the local runner: with the Docker runner it mounts no asset folder into containers yet.',
      );
      const assets = await renderedAssetsOf(env);
      assert.deepEqual({ ...assets, text: '' }, { availability: 'unavailable', lastStatus: null, files: null, copied: null, syncNow: false, text: '' });
      assert.match(
        assets.text,
        /No asset sync for this environment: stagingd syncs assets only with the local runner: .* Sync Now is off: stagingd syncs assets only/,
      );
    });
  });
});
