/// <reference types="mocha" />
// staging.yaml's checks in a real VS Code against a real stagingd with Debian's Chromium and Lighthouse:
// examples/storefront (production out of reach, so the baseline is the last run that passed) deployed to staging.
// The run after the deployment shows under the environment's Checks node; Staging: Run Checks checks again (0 pixels
// changed, told when it ends); the compare panel gets the staging, baseline and diff screenshots as data: URLs and the
// Lighthouse scores against the baseline's, with a chart over the runs; a branch that turns the sale banner red fails
// the visual check, and the followed environment says so with the failure; Accept as Baseline (after its modal) makes
// that run the baseline, the next run passes against it, and Reset Checks Baseline forgets it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CheckRun, Deployment, Environment, EnvironmentChecks } from '../../client/src/api/staging-api';
import type { ChecksPanel } from '../../client/src/panels/checks-panel';
import { storefrontConfig, storefrontRepository } from '../api/support/git-fixture';
import { browserSkip } from '../api/support/headless-chromium';
import { StagingdProcess } from '../api/support/stagingd-process';
import { eventually } from './eventually';
import { notifications } from './notifications';
import { renderedWhen } from './panel-rendered';
import { signInTo } from './sign-in';
import { workspaceFolder } from './workspace-folder';
import { children, underEnvironment } from './environment-nodes';

const environmentPath = '/v1/projects/storefront/environments/staging';
const config = storefrontConfig(`checks:
  baseline: previous
  visual:
    pages: [/]
    viewports:
      - { name: small, width: 400, height: 300 }
    threshold: 0.001
    masks: [.clock]
  performance:
    pages: [/]
    presets: [desktop]
    runs: 1
`);
/** Where examples/storefront draws its sale banner, which its restyle branch turns red. */
const banner = '240×60 at 40,120';
const dataUrl = 'data:image/png;base64';
const scores = /^Perf \d+ · A11y \d+ · BP \d+ · SEO \d+$/;

/** The Checks node once `accept` takes it, with its children. */
function checksNodeWhen(what: string, accept: (item: vscode.TreeItem) => boolean): Promise<{ item: vscode.TreeItem; results: vscode.TreeItem[] }> {
  return eventually(
    `the Checks node to show ${what}`,
    async () => {
      const node = (await underEnvironment('storefront', 'staging')).find((n) => n.treeItem().id === 'checks:storefront/staging');
      if (!node || !accept(node.treeItem())) return undefined;
      return { item: node.treeItem(), results: (await children(node)).map((n) => n.treeItem()) };
    },
    60_000,
  );
}

const iconOf = (item: vscode.TreeItem): string | undefined => (item.iconPath as vscode.ThemeIcon | undefined)?.id;
/** The Checks nodes' tooltips are plain text (a failure's message is never read as Markdown). */
const tooltipOf = (item: vscode.TreeItem): string => (typeof item.tooltip === 'string' ? item.tooltip : `not plain text: ${JSON.stringify(item.tooltip)}`);

/**
 * Runs `act`, answering the modal questions the extension asks meanwhile with `button`, as a person would: a test
 * cannot press a dialog's button, and the window API is the one object the extension's bundle and the tests share.
 */
async function answeringModals<T>(button: string, act: () => Thenable<T>): Promise<{ result: T; asked: string[] }> {
  const window = vscode.window as unknown as { showWarningMessage: (message: string, ...rest: unknown[]) => Thenable<unknown> };
  const original = window.showWarningMessage;
  const asked: string[] = [];
  window.showWarningMessage = (message, ...rest) => {
    const options = rest[0] as vscode.MessageOptions | undefined;
    if (typeof options !== 'object' || !options?.modal) return original.call(vscode.window, message, ...rest);
    asked.push(message);
    return Promise.resolve(button);
  };
  try {
    return { result: await act(), asked };
  } finally {
    window.showWarningMessage = original;
  }
}

suite('Checks in VS Code', () => {
  let repository: ReturnType<typeof storefrontRepository>;
  let stagingd: StagingdProcess;
  let env: Environment;
  let develop: Deployment;
  let first: CheckRun;
  let again: CheckRun;
  let failed: CheckRun;
  let panel: ChecksPanel | undefined;

  const deploy = async (ref: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', `${environmentPath}/deployments`, { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(deployment.status, 'live', (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body);
    return deployment;
  };
  const ended = (match: (run: CheckRun) => boolean): Promise<CheckRun> =>
    stagingd.waitForEvent<CheckRun>('checks.run.updated', (run) => match(run) && !['queued', 'running'].includes(run.status), 180_000);
  const log = async (run: CheckRun): Promise<string> => (await stagingd.api<string>('GET', `/v1/check-runs/${run.id}/logs`)).body;

  suiteSetup(async function () {
    const skip = browserSkip();
    if (skip) {
      console.log(`skipped: ${skip}`);
      this.skip();
    }
    this.timeout(300_000);
    repository = storefrontRepository(config);
    await workspaceFolder(repository.dir, true);
    stagingd = await StagingdProcess.start({ dataDir: mkdtempSync('/var/tmp/stagingd-vscode-checks-'), extraArgs: ['--sandbox', 'none'] });
    const created = await stagingd.api('POST', '/v1/projects', { repository: repository.dir });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    develop = await deploy('develop');
    first = await ended((run) => run.deployment_id === develop.id && run.trigger === 'deployment');
    assert.equal(first.status, 'passed', `${first.reason}\n${await log(first)}`);
    await signInTo(stagingd);
    env = (await stagingd.api<Environment>('GET', environmentPath)).body;
  });

  suiteTeardown(async () => {
    panel?.dispose();
    if (env) await vscode.commands.executeCommand('staging.unfollow', env);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('staging.signOut');
    await stagingd?.stop();
    if (repository && vscode.workspace.workspaceFolders?.some((f) => f.uri.fsPath === repository.dir)) await workspaceFolder(repository.dir, false);
    for (const dir of [repository?.dir, stagingd?.dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the run after the deployment shows under the staging environment’s Checks node, with nothing to compare with yet; production has none', async () => {
    const { item, results } = await checksNodeWhen('the first run', (i) => /^passed /.test(String(i.description)));
    assert.deepEqual([item.label, item.contextValue, iconOf(item), item.command?.command], ['Checks', 'checks.ended', 'beaker', 'staging.openChecks']);
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.match(
      tooltipOf(item),
      /^Compared with the last deployment whose checks passed\.\n\nLast run passed .*, after the deployment went live; compared with nothing yet/,
    );
    assert.deepEqual(
      results.map((r) => [r.label, r.contextValue, iconOf(r), r.command?.command]),
      [
        ['/ @ small', 'checkResult', 'circle-large-outline', 'staging.openChecks'],
        ['/ @ desktop', 'checkResult', 'circle-large-outline', 'staging.openChecks'],
      ],
    );
    assert.equal(results[0]!.description, 'new: no baseline yet');
    assert.match(String(results[1]!.description), scores);
    const production = (await underEnvironment('storefront', 'production')).map((n) => n.treeItem().id);
    assert.ok(!production.some((id) => id?.startsWith('checks:')), `production has no Checks node: ${JSON.stringify(production)}`);
  });

  test('Run Checks checks the live deployment again against the run before: 0 pixels changed, told when it ends', async function () {
    this.timeout(240_000);
    const told = notifications();
    try {
      const started = await vscode.commands.executeCommand<CheckRun | undefined>('staging.runChecks', env);
      assert.deepEqual([started?.status, started?.trigger, started?.requested_by, started?.deployment_id], ['queued', 'manual', 'admin', develop.id]);
      again = await ended((run) => run.id === started!.id);
      assert.equal(again.status, 'passed', `${again.reason}\n${await log(again)}`);
      assert.deepEqual(await told.matching(/checks of staging/, 1, 60_000), ['The checks of staging passed: 1 page at 1 viewport, 1 Lighthouse audit.']);
    } finally {
      told.dispose();
    }
    const { item, results } = await checksNodeWhen('the second run', (i) => i.contextValue === 'checks.ended' && /^passed /.test(String(i.description)));
    assert.match(tooltipOf(item), /Last run passed .*, requested by admin; compared with the last deployment whose checks passed\.$/);
    assert.deepEqual(
      results.map((r) => [r.label, iconOf(r)]),
      [
        ['/ @ small', 'pass'],
        ['/ @ desktop', 'pass'],
      ],
    );
    assert.equal(results[0]!.description, 'passed · 0% changed');
    assert.match(tooltipOf(results[0]!), /^\/ at small \(400×300\), full page\.\n\n0 of [\d,]+ pixels changed \(0%; the threshold is 0\.1%\)\.$/);
    assert.match(String(results[1]!.description), scores);
  });

  test('the compare panel shows the staging, baseline and diff screenshots as data: URLs, and the Lighthouse scores against the baseline’s', async () => {
    panel = await vscode.commands.executeCommand<ChecksPanel | undefined>('staging.openChecks', env);
    assert.ok(panel, 'the command returns the panel');
    const rendered = await renderedWhen(panel, (r) => r.runId === again.id && r.status === 'passed' && r.visual[0]?.diff !== null, 60_000);
    assert.equal(rendered.status, 'passed');
    assert.deepEqual(rendered.tabs, ['small 400×300']);
    assert.deepEqual(
      { ...rendered.visual[0]!, changed: '' },
      { page: '/', viewport: 'small', status: 'passed', staging: dataUrl, baseline: dataUrl, diff: dataUrl, changed: '' },
    );
    assert.match(rendered.visual[0]!.changed, /^0% changed \(0 of [\d,]+ pixels\) · threshold 0\.1%$/);
    const lighthouse = rendered.performance[0]!;
    assert.deepEqual([lighthouse.page, lighthouse.preset, lighthouse.status, lighthouse.metrics, lighthouse.failures], ['/', 'desktop', 'passed', 6, []]);
    // Each score beside its change against the first run's.
    assert.deepEqual(
      lighthouse.scores.map((score) => score.replace(/ \d+ ([+−]\d+|±0)$/, '')),
      ['Performance', 'Accessibility', 'Best Practices', 'SEO'],
      JSON.stringify(lighthouse.scores),
    );
    assert.equal(lighthouse.chartRuns, 2, 'the chart draws both runs');
    const deployment = `develop ${repository.commit('develop').slice(0, 7)} of ${new Date(develop.created_at).toLocaleString()}`;
    assert.ok(rendered.header.startsWith(`Project: storefront · Deployment: ${deployment} · Status: passed · `), rendered.header);
    assert.ok(
      rendered.header.includes(`· Baseline: the last deployment whose checks passed: ${deployment} · Time: requested by admin; queued `),
      rendered.header,
    );
    assert.deepEqual(rendered.buttons, { run: true, accept: true, log: true, reset: false });
    assert.deepEqual(rendered.failures, []);
    const reopened = await vscode.commands.executeCommand<ChecksPanel | undefined>('staging.openChecks', env);
    assert.equal(reopened, panel, 'one panel an environment: opening it again reveals it');
  });

  test('a branch that turns the banner red fails the visual check: the followed environment says so with the failure, the panel shows it live', async function () {
    this.timeout(240_000);
    assert.ok(panel, 'the panel of the test before');
    await vscode.commands.executeCommand('staging.follow', env);
    const told = notifications();
    try {
      const restyle = await deploy('restyle');
      failed = await ended((run) => run.deployment_id === restyle.id);
      assert.equal(failed.status, 'failed', `${failed.reason}\n${await log(failed)}`);
      const [failure] = failed.failures;
      assert.ok(failure && failed.failures.length === 1, JSON.stringify(failed.failures));
      assert.deepEqual(await told.matching(/^Checks failed/, 1, 60_000), [`Checks failed on staging: ${failure.message}`]);
    } finally {
      told.dispose();
    }
    const rendered = await renderedWhen(panel, (r) => r.runId === failed.id && r.status === 'failed' && r.visual[0]?.diff !== null, 60_000);
    const visual = rendered.visual[0]!;
    assert.deepEqual([visual.status, visual.staging, visual.baseline, visual.diff], ['failed', dataUrl, dataUrl, dataUrl]);
    assert.ok(visual.changed.endsWith(`· threshold 0.1% · changed region ${banner}`), visual.changed);
    assert.deepEqual(rendered.failures, [failed.failures[0]!.message]);
    assert.equal(rendered.performance[0]?.chartRuns, 3);
    const { item, results } = await checksNodeWhen('the failed run', (i) => /^failed .* · 1 failure$/.test(String(i.description)));
    assert.deepEqual([item.contextValue, iconOf(item)], ['checks.ended', 'error']);
    assert.match(String(results[0]!.description), /^failed · [\d.]+% changed \(over 0\.1%\)$/);
    assert.equal(iconOf(results[0]!), 'error');
  });

  test('Accept as Baseline, once confirmed, makes the failed run the baseline: the next run passes against it; Reset Checks Baseline forgets it', async function () {
    this.timeout(240_000);
    assert.ok(panel, 'the panel of the tests before');
    const accepted = await answeringModals('Accept as Baseline', () =>
      vscode.commands.executeCommand<EnvironmentChecks | undefined>('staging.acceptCheckBaseline', env),
    );
    assert.equal(accepted.result?.accepted?.run_id, failed.id);
    assert.deepEqual(accepted.asked, [`Accept the checks of restyle ${repository.commit('restyle').slice(0, 7)} as the baseline of staging?`]);
    await checksNodeWhen('an accepted baseline', (i) => i.contextValue === 'checks.ended.accepted');
    await renderedWhen(panel, (r) => r.buttons.reset && !r.buttons.accept);

    const run = await vscode.commands.executeCommand<CheckRun | undefined>('staging.runChecks', env);
    assert.ok(run, 'Run Checks started a run');
    const passed = await ended((r) => r.id === run.id);
    assert.equal(passed.status, 'passed', `${passed.reason}\n${await log(passed)}`);
    const rendered = await renderedWhen(panel, (r) => r.runId === passed.id && r.status === 'passed' && r.visual[0]?.diff !== null, 60_000);
    assert.match(rendered.header, / · Baseline: the run accepted as the baseline: restyle [0-9a-f]{7} of .*, accepted by admin /);
    assert.match(rendered.visual[0]!.changed, /^0% changed /);

    const reset = await answeringModals('Reset Baseline', () =>
      vscode.commands.executeCommand<EnvironmentChecks | undefined>('staging.resetCheckBaseline', env),
    );
    assert.deepEqual(reset.asked, ['Reset the checks baseline of staging?']);
    assert.equal(reset.result?.accepted, null);
    await checksNodeWhen('no accepted baseline', (i) => i.contextValue === 'checks.ended');
    const shown = await vscode.commands.executeCommand<CheckRun | undefined>('staging.showCheckLog', env);
    assert.equal(shown?.id, passed.id, 'Show Check Log opens the last run’s');
  });
});
