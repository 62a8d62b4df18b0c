// The UI tour: the extension from dist/staging.vsix in a real VS Code workbench (VS Code 1.139.1's server, as
// code-server bundles it; see vscode-server.mjs) driven in headless Chromium the way a person uses it, against its own stagingd, asserting
// what a person sees: the Staging view's environments, the status bar, the command palette, a deployment
// from a quick pick to its "is live" notification, a problem in staging.yaml appearing and going away, and the checks
// of a redeployment in the compare panel. Screenshots of every step go to .vscode-test/screenshots/; on success the
// overview, the environment panel, the log viewer, the comment and the checks panel (both halves) are copied to docs/. Ends with "N passed, N failed" and exits non-zero on any failure.
//
// Usage: node scripts/vscode/ui-tour.mjs [--timeout SECONDS] [--keep] [--verbose] [--no-docs]
//   --timeout S  give up after S seconds (default 420: two check runs with Lighthouse take a while; or STAGING_UI_TIMEOUT)
//   --keep       keep the run's temporary folder (repository, stagingd data, VS Code profile) and print it
//   --verbose    print the workbench's browser console
//   --no-docs    do not update the screenshots in docs/
// Needs `npm run package` first (dist/staging.vsix) and Node 24; installs code-server on first use
// (scripts/vscode/install-code-server.sh). Logs of the last run: .vscode-test/logs/ui-tour/.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { removeStaleRuns } from './harness.mjs';
import { installExtension, quietSettings, serverProfile, startVsCodeServer, vscodeVersion } from './vscode-server.mjs';
import { Checks, expect } from '../../test/ui/checks.mjs';
import { descendantGroups, killGroup, stopAllGroups } from '../../test/ui/processes.mjs';
import { exampleRepository, startStagingd } from '../../test/ui/stagingd.mjs';
import { launchChromium, movePointerAway, openCommandPalette, painted, problemCounts, widenSideBar, workbench } from '../../test/ui/workbench.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const { values: options } = parseArgs({
  options: {
    timeout: { type: 'string', default: process.env.STAGING_UI_TIMEOUT ?? '420' },
    keep: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
  },
});
const timeoutMs = Number(options.timeout) * 1000;
const vsix = join(root, 'dist', 'staging.vsix');
const screenshots = join(root, '.vscode-test', 'screenshots');
const lastLogs = join(root, '.vscode-test', 'logs', 'ui-tour');
/** The screenshot of the Staging view with its environments, staging.yaml open, the status bar. */
const overview = '10-overview.png';
/** Screenshots that go into docs/ (and the README) after a tour where every step passed. */
const docsImages = {
  [overview]: 'ui-tour.png',
  '11-environment.png': 'environment-panel.png',
  '12-log-viewer.png': 'log-viewer.png',
  '13-comment.png': 'comment.png',
  '14-checks.png': 'checks-panel.png',
  '15-checks-lighthouse.png': 'checks-lighthouse.png',
};
const waits = { default: 30_000, workbench: 60_000, deploy: 120_000, checks: 180_000 };
/** staging.yaml's checks for the tour: each page at two small viewports, Lighthouse once; compared with the run before. */
const checksSection = `
checks:
  baseline: previous
  visual:
    pages: [/]
    viewports:
      - { name: phone, width: 390, height: 320 }
      - { name: tablet, width: 768, height: 320 }
    threshold: 0.001
  performance:
    pages: [/]
    presets: [desktop]
    runs: 1
`;

const checks = new Checks({ onFailure: (name) => failureEvidence(`failed-${slug(name)}`) });
let page;
let browser;
let run;
/** Process groups below this one seen so far (stagingd's releases run in their own), ended in cleanup() if still there. */
const groups = new Set();

function slug(text) {
  return text
    .replace(/[^a-z0-9]+/gi, '-')
    .slice(0, 60)
    .toLowerCase();
}

async function screenshot(name) {
  if (!page) return;
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

/** A screenshot, and the workbench's DOM (side bar, status bar, quick input, notifications) in the logs. */
async function failureEvidence(name) {
  await screenshot(name);
  const html = await page?.evaluate(() =>
    ['workbench.parts.sidebar', 'workbench.parts.statusbar', 'workbench.parts.editor']
      .map((id) => document.getElementById(id)?.outerHTML ?? '')
      .concat([...document.querySelectorAll('.quick-input-widget, .notifications-toasts')].map((e) => e.outerHTML))
      .join('\n\n'),
  );
  if (html) writeFileSync(join(logDir, `${name}.html`), html);
}

/** Prints why it cannot start, and the closing line, and exits 1. */
function cannotStart(why) {
  console.log(`ui tour: ${why}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

if (!existsSync(vsix)) cannotStart(`${vsix} is missing: run \`npm run package\` first`);
try {
  execFileSync('bash', [join(root, 'scripts', 'vscode', 'install-code-server.sh')], { stdio: 'inherit' }); // a fast no-op once installed
} catch {
  cannotStart('installing code-server failed (see above)');
}

// Folders of earlier runs killed outright (their pid no longer runs) go first.
removeStaleRuns('staging-ui-');
run = mkdtempSync(join(tmpdir(), 'staging-ui-'));
writeFileSync(join(run, 'pid'), String(process.pid));
const logDir = join(run, 'logs');
mkdirSync(logDir, { recursive: true });
mkdirSync(screenshots, { recursive: true });
for (const file of readdirSync(screenshots)) if (/^(\d\d-|failed-).*\.png$/.test(file)) rmSync(join(screenshots, file));

async function tour() {
  console.log('ui tour: setting up');
  const repository = exampleRepository(join(root, 'examples', 'hello-node'), join(run, 'hello-node'));
  // The data directory inside the workspace: the extension finds the admin token there and signs in by itself.
  const stagingd = await startStagingd({ root, dataDir: join(repository, '.staging'), cwd: repository, logFile: join(logDir, 'stagingd.log') });
  const staging = await checks.step(`stagingd (${stagingd.apiUrl}) registers hello-node and deploys develop to staging`, async () => {
    const created = await stagingd.api('POST', '/v1/projects', { repository });
    expect(created.status === 201, `POST /v1/projects: ${created.status} ${JSON.stringify(created.body)}`);
    const deployment = await stagingd.deploy('hello-node', 'staging', 'develop');
    const { body: env } = await stagingd.api('GET', '/v1/projects/hello-node/environments/staging');
    expect(env.status === 'active', `staging is ${env.status}`);
    return { deployment, env };
  });
  for (const group of descendantGroups()) groups.add(group); // stagingd's releases, in their own process groups
  if (!staging) return;

  const profile = serverProfile(join(run, 'vscode'));
  installExtension(root, profile, vsix);
  writeFileSync(
    join(profile.userData, 'User', 'settings.json'),
    JSON.stringify({
      ...quietSettings,
      'staging.apiUrl': stagingd.apiUrl,
      'git.openRepositoryInParentFolders': 'never',
      // Status bar items that come and go with timing (blame of the line, the release's port forwarded): the same screenshots every run.
      'git.blame.statusBarItem.enabled': false,
      'remote.autoForwardPorts': false,
      // VS Code in a browser saves after a delay by default; the tour's edit stays in the editor until undone.
      'files.autoSave': 'off',
      // The secondary side bar stays closed: the screenshots show the extension.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    }),
  );
  const server = await startVsCodeServer(root, profile, { folder: repository, logFile: join(logDir, 'vscode-server.log') });
  ({ context: browser, page } = await launchChromium(root, join(run, 'browser')));
  page.setDefaultTimeout(waits.default);
  const consoleLog = createWriteStream(join(logDir, 'browser-console.log'));
  page.on('console', (message) => {
    consoleLog.write(`[${message.type()}] ${message.text()}\n`);
    if (options.verbose) console.log(`[browser ${message.type()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.message}\n`));
  const wb = workbench(page);
  const stagingRows = wb.sidebarRows;
  const statusItem = wb.statusBarItem('staging-dev.staging.staging.deployStatus');
  console.log(`ui tour: VS Code ${vscodeVersion(root)} at ${server.url}`);

  await checks.step('the workbench opens the hello-node folder', async () => {
    await page.goto(server.url);
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'staging.yaml' }).waitFor({ timeout: waits.workbench });
    await screenshot('01-workbench');
  });

  await checks.step('the Staging view, opened from the activity bar, shows hello-node with production and staging (develop)', async () => {
    await wb.activityBarItem('Staging').click();
    await movePointerAway(wb);
    await wb.sidebarTitle.filter({ hasText: /Staging/i }).waitFor();
    await stagingRows.filter({ has: wb.label('hello-node') }).waitFor();
    await stagingRows.filter({ has: wb.label('production') }).waitFor();
    const stagingRow = stagingRows.filter({ has: wb.label('staging') });
    await stagingRow.filter({ hasText: 'develop' }).waitFor();
    const text = (await stagingRow.innerText()).replace(/\s+/g, ' ');
    expect(text.includes(staging.env.url.replace(/^https?:\/\//, '')), `the staging row shows its URL (${staging.env.url}): "${text}"`);
    await widenSideBar(wb, 170); // so the rows' descriptions (branch, URL) show in full on the screenshots
    await screenshot('02-staging-view');
  });

  await checks.step('the status bar shows staging, live, for the current branch develop', async () => {
    const live = statusItem.filter({ hasText: /^\s*staging\s*$/ }).filter({ has: page.locator('.codicon-check') });
    await live.waitFor();
    const label = await live.getAttribute('aria-label');
    expect(label.includes('hello-node/staging (active) for branch develop'), `the item's label: "${label}"`);
    await wb.statusBarItem('status.scm.0').and(page.locator('[aria-label*="develop"]')).waitFor(); // VS Code's own branch item agrees
    await screenshot('03-status-bar');
  });

  await checks.step('the command palette lists Staging: Deploy Branch... and Staging: Deploy Current Branch', async () => {
    await openCommandPalette(wb, 'Staging: Deploy');
    await wb.quickInputRow('Staging: Deploy Branch...').waitFor();
    await wb.quickInputRow('Staging: Deploy Current Branch').waitFor();
    await screenshot('04-command-palette');
  });

  await checks.step('Staging: Deploy Current Branch asks for the environment and offers staging (hello-node, branch develop)', async () => {
    await wb.quickInputRow('Staging: Deploy Current Branch').click();
    await wb.quickInput.locator('.quick-input-title', { hasText: 'Staging environment' }).waitFor();
    const row = wb.quickInputRow('staging');
    await row.filter({ hasText: 'hello-node' }).filter({ hasText: 'branch develop' }).waitFor();
    const labels = await wb.quickInputRows.locator('.label-name').allInnerTexts();
    expect(!labels.includes('production'), `production is not offered for a branch deployment: ${labels.join(', ')}`);
    await screenshot('05-environment-pick');
  });

  await checks.step('picking staging deploys develop and a notification says it is live on staging', async () => {
    await wb.quickInputRow('staging').click();
    await wb.notification('is live on staging').waitFor({ timeout: waits.deploy });
    const text = (await wb.notification('is live on staging').innerText()).replace(/\s+/g, ' ');
    expect(text.includes('develop is live on staging'), `the notification names the branch: "${text}"`);
    await statusItem
      .filter({ hasText: /^\s*staging\s*$/ })
      .filter({ has: page.locator('.codicon-check') })
      .waitFor();
    await screenshot('06-deployed');
  });

  await checks.step('the staging environment lists the new deployment live and the first one superseded', async () => {
    const stagingRow = stagingRows.filter({ has: wb.label('staging') });
    if ((await stagingRow.getAttribute('aria-expanded')) !== 'true') await stagingRow.locator('.monaco-tl-twistie').click();
    await stagingRows
      .filter({ hasText: /^\s*develop [0-9a-f]{7}/ })
      .filter({ hasText: 'live' })
      .waitFor();
    await stagingRows
      .filter({ hasText: /^\s*develop [0-9a-f]{7}/ })
      .filter({ hasText: 'superseded' })
      .waitFor();
    await screenshot('07-history');
  });

  const yaml = readFileSync(join(repository, 'staging.yaml'), 'utf8').split('\n');
  const robotsLine = yaml.findIndex((line) => /^\s*robots: block\s*$/.test(line)) + 1;
  await checks.step('the notification closes, and Quick Open (Ctrl+P) opens staging.yaml with no problems', async () => {
    expect(robotsLine > 0, 'examples/hello-node/staging.yaml has a `robots: block` line');
    // Closed like a person does (its close button, shown on hover), so the editor is in full view.
    await wb.notification('is live on staging').hover();
    await wb.notification('is live on staging').locator('.codicon-notifications-clear').click();
    await wb.notification('is live on staging').waitFor({ state: 'hidden' });
    await page.keyboard.press('Control+P');
    await wb.quickInputBox.waitFor({ state: 'visible' });
    await page.keyboard.type('staging.yaml', { delay: 15 });
    await wb.quickInputRow('staging.yaml').first().waitFor();
    await page.keyboard.press('Enter');
    await wb.tab('staging.yaml').waitFor();
    await wb.editorLine('robots: block').waitFor();
    await wb.problemsShowing(0, 0).waitFor();
    await screenshot('08-staging-yaml');
  });

  await checks.step('replacing `robots: block` with `robots: hide` in the editor makes the Problems count 1', async () => {
    await page.keyboard.press('Control+G'); // Go to Line, in the quick input
    await wb.quickInputBox.waitFor({ state: 'visible' });
    await page.keyboard.type(String(robotsLine));
    await page.keyboard.press('Enter');
    await wb.quickInput.waitFor({ state: 'hidden' });
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Shift+ArrowLeft'); // selects `block`
    await page.keyboard.type('hide', { delay: 30 });
    await page.keyboard.press('Escape'); // closes the completion list, if it opened
    await wb.editorLine('robots: hide').waitFor();
    await wb.problemsShowing(1, 0).waitFor();
    await page.locator('.editor-instance .squiggly-error').first().waitFor();
    await wb.tabLabel('staging.yaml').and(page.locator('[aria-label$="1 problem in this file"]')).waitFor();
    await page.locator('.tabs-container .tab.dirty[data-resource-name="staging.yaml"]').waitFor();
    await painted(wb);
    await screenshot('09-problem');
    const counts = await problemCounts(wb);
    expect(counts.errors === 1 && counts.warnings === 0, `Problems in the status bar: "${counts.text}"`);
  });

  await checks.step('undo (Ctrl+Z) restores `robots: block`, the Problems count goes back to 0 and the file is not modified', async () => {
    await page.keyboard.press('Control+Z');
    await wb.editorLine('robots: block').waitFor();
    await wb.problemsShowing(0, 0).waitFor();
    await wb.tabLabel('staging.yaml').and(page.locator(':not([aria-label*="problem"])')).waitFor();
    await page.locator('.tabs-container .tab:not(.dirty)[data-resource-name="staging.yaml"]').waitFor();
    expect(readFileSync(join(repository, 'staging.yaml'), 'utf8') === yaml.join('\n'), 'staging.yaml on disk never changed');
    // The overview for the docs: the file from its first line, the cursor there, nothing overlaid.
    await page.keyboard.press('Control+Home');
    await wb.statusBarItem('status.editor.selection').and(page.locator('[aria-label="Ln 1, Col 1"]')).waitFor();
    await page.locator('.editor-instance .sticky-widget').waitFor({ state: 'hidden' });
    await painted(wb);
    await screenshot(overview.replace(/\.png$/, ''));
  });

  await checks.step('the staging row’s Open Environment Details shows its status, URL, both deployments and the deploy controls', async () => {
    const stagingRow = stagingRows.filter({ has: wb.label('staging') });
    await stagingRow.hover();
    await wb.rowAction(stagingRow, 'Open Environment Details').click();
    await wb
      .tab('staging (hello-node)')
      .or(page.locator('.tabs-container .tab', { hasText: 'staging (hello-node)' }))
      .first()
      .waitFor();
    const panel = wb.webview;
    await panel.locator('h1', { hasText: 'staging' }).waitFor();
    await panel.locator('a', { hasText: staging.env.url }).first().waitFor();
    await panel.locator('vscode-button', { hasText: 'Deploy to Staging' }).waitFor();
    await expectCount(panel.locator('vscode-collapsible[heading="Deployment history"] tbody tr'), 2, 'deployments in the history');
    await movePointerAway(wb);
    await painted(wb);
    await screenshot('11-environment');
  });

  await checks.step('a variable being added in the panel is still there after switching to another tab and back', async () => {
    const panel = wb.webview;
    await panel.locator('vscode-button', { hasText: 'Add Variable' }).click();
    const name = panel.locator('vscode-textfield[aria-label="Name of the new variable"]').last();
    await name.locator('input').fill('TOUR_FLAG');
    await panel.locator('vscode-textfield[aria-label="Value of the new variable"]').locator('input').fill('on');
    await wb.webview.locator('body').evaluate(() => (window.tourMarker = 'before'));
    await wb.tab('staging.yaml').click();
    await wb.editorLine('robots: block').waitFor();
    await page.locator('.tabs-container .tab', { hasText: 'staging (hello-node)' }).click();
    await wb.webview.locator('h1', { hasText: 'staging' }).waitFor();
    const reloaded = (await wb.webview.locator('body').evaluate(() => window.tourMarker)) === undefined;
    expect(reloaded, 'VS Code reloaded the hidden panel’s page (else this step proves nothing)');
    const kept = await wb.webview
      .locator('vscode-textfield[aria-label="Name of the new variable"]')
      .last()
      .evaluate((field) => field.value);
    expect(kept === 'TOUR_FLAG', `the unsaved name came back as "${kept}"`);
    await wb.webview.locator('vscode-button', { hasText: 'Discard Changes' }).click();
  });

  await checks.step('clicking the live deployment opens the log viewer; searching "listening" finds the app’s runtime line', async () => {
    const live = stagingRows.filter({ hasText: /^\s*develop [0-9a-f]{7}/ }).filter({ hasText: 'live' });
    await live.click();
    const viewer = wb.webview;
    await viewer.locator('#viewport', { hasText: 'listening' }).waitFor();
    await viewer.locator('vscode-textfield#search input').fill('listening');
    await viewer.locator('#match-count', { hasText: /^(\d+ of \d+|\d+ matches)$/ }).waitFor();
    await movePointerAway(wb);
    await painted(wb);
    await screenshot('12-log-viewer');
  });

  await checks.step('a comment left on the preview shows under Comments; opening it shows the thread and the screenshot stagingd took', async () => {
    const created = await stagingd.api('POST', '/v1/projects/hello-node/environments/staging/comments', {
      body: 'The heading should say "Welcome", and a little larger on mobile.',
      page_url: '/',
      selector: 'body > h1',
      x: 0.1,
      y: 0.5,
      viewport_width: 1280,
      viewport_height: 720,
      screenshot: true,
    });
    expect(created.status === 201, `POST comments: ${created.status} ${JSON.stringify(created.body)}`);
    const comments = stagingRows.filter({ has: wb.label('Comments') });
    await comments.filter({ hasText: '1 open' }).waitFor();
    if ((await comments.getAttribute('aria-expanded')) !== 'true') await comments.locator('.monaco-tl-twistie').click();
    await stagingRows.filter({ hasText: 'The heading should say' }).click();
    const panel = wb.webview;
    await panel.locator('.messages li', { hasText: 'a little larger on mobile' }).waitFor();
    await panel.locator('.screenshot img').waitFor({ timeout: waits.deploy });
    await panel.locator('vscode-button', { hasText: 'Resolve' }).waitFor();
    await movePointerAway(wb);
    await painted(wb);
    await screenshot('13-comment');
  });

  await checks.step('after reloading the window the panels come back: the environment, the log and the comment', async () => {
    // Developer: Reload Window shuts the workbench down properly (its state saved), as a person's reload does.
    await openCommandPalette(wb, 'Developer: Reload Window');
    await wb.quickInputRow('Developer: Reload Window').click();
    await page.waitForEvent('load', { timeout: waits.workbench });
    await wb.activityBarItem('Staging').waitFor({ timeout: waits.workbench });
    for (const title of ['staging (hello-node)', 'Log: staging', 'Comment: The heading should say']) {
      await page.locator('.tabs-container .tab', { hasText: title }).waitFor({ timeout: waits.workbench });
    }
    await page.locator('.tabs-container .tab', { hasText: 'staging (hello-node)' }).click();
    await wb.webview.locator('h1', { hasText: 'staging' }).waitFor();
    await wb.webview.locator('td', { hasText: 'No variables set through the API.' }).waitFor(); // the edit discarded before stays discarded
    await page.locator('.tabs-container .tab', { hasText: 'Log: staging' }).click();
    await wb.webview.locator('#viewport', { hasText: 'listening' }).waitFor();
    await page.locator('.tabs-container .tab', { hasText: 'Comment: The heading should say' }).click();
    await wb.webview.locator('.messages li', { hasText: 'a little larger on mobile' }).waitFor();
  });

  await checks.step('with checks in staging.yaml, a redeployment is compared with the run before: the Checks node opens the compare panel', async () => {
    // The registered staging.yaml gets the section (the workspace's file stays as the screenshots above show it).
    const config = `${readFileSync(join(repository, 'staging.yaml'), 'utf8')}${checksSection}`;
    const updated = await stagingd.api('PATCH', '/v1/projects/hello-node', { config });
    expect(updated.status === 200, `PATCH /v1/projects/hello-node: ${updated.status} ${JSON.stringify(updated.body)}`);
    const started = await stagingd.api('POST', '/v1/projects/hello-node/environments/staging/checks/runs');
    expect(started.status === 202, `POST checks/runs: ${started.status} ${JSON.stringify(started.body)}`);
    await checkRunEnded(stagingd, (run) => run.id === started.body.id);
    // A new release says another release id on its page: what the next run finds changed.
    const redeployed = await stagingd.deploy('hello-node', 'staging', 'develop');
    const compared = await checkRunEnded(stagingd, (run) => run.deployment_id === redeployed.id);
    expect(compared.visual.length === 2 && compared.performance.length === 1, `the run's results: ${JSON.stringify(compared)}`);
    // The notifications of the redeployment and its checks go, as a person clears them, so the panel is in full view.
    await openCommandPalette(wb, 'Notifications: Clear All Notifications');
    await wb.quickInputRow('Notifications: Clear All Notifications').click();
    // The reload before closed the environment's row: opened again, as a person does.
    const stagingRow = stagingRows.filter({ has: wb.label('staging') });
    if ((await stagingRow.getAttribute('aria-expanded')) !== 'true') await stagingRow.locator('.monaco-tl-twistie').click();
    const checksRow = stagingRows.filter({ has: wb.label('Checks') });
    await checksRow.filter({ hasText: compared.status }).waitFor();
    await checksRow.click();
    await page.locator('.tabs-container .tab', { hasText: 'Checks: staging' }).waitFor();
    const panel = wb.webview;
    await panel.locator('vscode-tab-header', { hasText: 'phone 390×320' }).waitFor();
    await panel.locator('img.staging[src^="data:image/png"]').first().waitFor();
    await panel.locator('img.diff[src^="data:image/png"]').first().waitFor({ state: 'attached' });
    await expectCount(panel.locator('.lighthouse .score .value'), 4, 'Lighthouse scores');
    await panel.locator('vscode-checkbox', { hasText: 'Show diff' }).first().click();
    await panel.locator('img.diff').first().waitFor({ state: 'visible' });
    await movePointerAway(wb);
    await painted(wb);
    await screenshot('14-checks');
    // Below: Lighthouse's scores against the baseline's, the metrics, and the chart of both runs.
    await panel.locator('section.lighthouse h2').evaluate((heading) => heading.scrollIntoView({ block: 'start' }));
    await expectCount(panel.locator('section.lighthouse svg.chart circle.series-performance'), 2, 'runs in the performance chart');
    await painted(wb);
    await screenshot('15-checks-lighthouse');
  });
}

/** Polls the staging environment's check runs until one that `match` takes has ended; returns it. */
async function checkRunEnded(stagingd, match) {
  const deadline = Date.now() + waits.checks;
  for (;;) {
    const { body } = await stagingd.api('GET', '/v1/projects/hello-node/environments/staging/checks/runs?limit=5');
    const run = body.items.find((r) => match(r) && !['queued', 'running'].includes(r.status));
    if (run) {
      expect(run.status === 'passed' || run.status === 'failed', `the check run ${run.status}: ${run.reason}`);
      return run;
    }
    expect(Date.now() < deadline, `no check run ended within ${waits.checks / 1000}s: ${JSON.stringify(body.items.map((r) => r.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // REST status polling (no event to await in a script)
  }
}

/** Waits until `locator` matches exactly `count` elements (a person counting rows). */
async function expectCount(locator, count, what) {
  const deadline = Date.now() + waits.default;
  for (;;) {
    const found = await locator.count();
    if (found === count) return;
    expect(Date.now() < deadline, `${what}: ${found}, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Ends everything the tour started: the browser, VS Code's server, stagingd and stagingd's releases; keeps the logs. */
let cleaned;
function cleanup() {
  cleaned ??= (async () => {
    clearTimeout(deadline);
    for (const group of descendantGroups()) groups.add(group);
    await browser?.close().catch(() => undefined);
    await stopAllGroups();
    for (const group of groups) if (group !== process.pid) killGroup(group, 'SIGKILL'); // anything left (none, normally)
    try {
      rmSync(lastLogs, { recursive: true, force: true });
      if (existsSync(logDir)) cpSync(logDir, lastLogs, { recursive: true });
    } catch (error) {
      console.log(`ui tour: could not keep the logs in ${lastLogs}: ${error}`);
    }
    if (options.keep) {
      rmSync(join(run, 'pid'), { force: true });
      console.log(`kept ${run}`);
    } else rmSync(run, { recursive: true, force: true });
  })();
  return cleaned;
}

function finish() {
  if (checks.skipped) console.log(`ui tour: ${checks.skipped} step${checks.skipped === 1 ? '' : 's'} skipped after a failure`);
  console.log(`ui tour: ${checks.elapsed()}; screenshots in ${screenshots.slice(root.length + 1)}/, logs in ${lastLogs.slice(root.length + 1)}/`);
  console.log(checks.summary());
}

/** The one way out: cleans up, keeps the overview screenshot for the docs if every step passed, prints the counts. */
let ending;
function end(exitCode) {
  ending ??= (async () => {
    await cleanup();
    if (checks.ok && !options['no-docs']) {
      for (const [shot, image] of Object.entries(docsImages)) copyFileSync(join(screenshots, shot), join(root, 'docs', image));
      console.log(`ui tour: ${Object.keys(docsImages).join(', ')} copied to docs/`);
    }
    finish();
    process.exit(exitCode ?? (checks.ok ? 0 : 1));
  })();
  return ending;
}

const deadline = setTimeout(() => {
  checks.abort(`the tour did not finish within ${timeoutMs / 1000}s`, 'timed out (--timeout, STAGING_UI_TIMEOUT)');
  void failureEvidence('failed-timeout')
    .catch(() => undefined)
    .then(() => end(1));
}, timeoutMs);

for (const [signal, number] of [
  ['SIGINT', 2],
  ['SIGTERM', 15],
  ['SIGHUP', 1],
]) {
  process.on(signal, () => {
    checks.abort(`interrupted by ${signal}`, signal);
    void end(128 + number);
  });
}

try {
  await tour();
} catch (error) {
  if (!checks.aborted) checks.fail("setting up the tour (stagingd, VS Code's server or Chromium)", error);
}
await end();
