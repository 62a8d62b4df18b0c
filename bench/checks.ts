/**
 * staging.yaml's checks against plain tools, on examples/storefront deployed to staging and promoted to production on a
 * real stagingd (Debian's Chromium, the installed Lighthouse):
 *
 * - Screenshot + diff per page and viewport: BENCH_CHECK_RUNS (default 20) visual check runs of the same deployment
 *   against production, 3 pages x 2 viewports each; the time per result (a run's time over its results) against a plain
 *   playwright-core script that, with one warm browser, shoots the same pages the same way (network idle, full page, no
 *   animations) on staging and on production one after the other and compares them with pixelmatch. The ratio, and
 *   our median.
 * - Flakiness: the changed pixels of every result of those runs (the target: 0 in every one).
 * - Lighthouse: BENCH_LIGHTHOUSE_ROUNDS (default 3) performance check runs (one page, the desktop preset, one run)
 *   against the `lighthouse` CLI on the same page with the same preset, alternating; medians and their ratio.
 *
 * Run: npm run bench:checks
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type pixelmatchModule from 'pixelmatch' with { 'resolution-mode': 'import' };
import { PNG } from 'pngjs';
import type { components } from '../common/src/api/schema';
import { storefrontConfig, storefrontRepository } from '../test/api/support/git-fixture';
import { StagingdProcess } from '../test/api/support/stagingd-process';
import { stats } from './support/stats';

type CheckRun = components['schemas']['CheckRun'];

// An ES module: required (Node 24 loads it synchronously), its type imported as one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const pixelmatch = (require('pixelmatch') as { default: typeof pixelmatchModule }).default;

const runs = Number(process.env['BENCH_CHECK_RUNS'] ?? 20);
const lighthouseRounds = Number(process.env['BENCH_LIGHTHOUSE_ROUNDS'] ?? 3);
const CHROMIUM = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
const pages = ['/', '/?sort=price', '/?sort=name'];
const viewports = [
  { name: 'mobile', width: 390, height: 844 },
  { name: 'desktop', width: 1440, height: 900 },
];

const visualConfig = storefrontConfig(`checks:
  visual:
    pages: [${pages.map((page) => `'${page}'`).join(', ')}]
    viewports: [mobile, desktop]
    threshold: 0.001
    masks: [.clock]
`);
const performanceConfig = storefrontConfig(`checks:
  baseline: previous
  performance:
    pages: [/]
    presets: [desktop]
    runs: 1
`);

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]): number => stats(values).p50;
const elapsed = (run: CheckRun): number => Date.parse(run.completed_at!) - Date.parse(run.started_at!);

/** The plain script: one warm browser, each page at each viewport shot on staging then production, then pixelmatch. */
async function plainScreenshots(stagingUrl: string, productionUrl: string, rounds: number): Promise<number[]> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: process.getuid?.() !== 0,
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--hide-scrollbars', '--font-render-hinting=none', '--host-resolver-rules=MAP *.localhost 127.0.0.1'],
  });
  const perResult: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const page of pages) {
        for (const viewport of viewports) {
          const started = performance.now();
          const shoot = async (url: string): Promise<PNG> => {
            const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, deviceScaleFactor: 1 });
            const tab = await context.newPage();
            await tab.goto(url, { waitUntil: 'networkidle' });
            const png = await tab.screenshot({ fullPage: true, animations: 'disabled', mask: [tab.locator('.clock')] });
            await context.close();
            return PNG.sync.read(png);
          };
          const staging = await shoot(`${stagingUrl}${page}`);
          const production = await shoot(`${productionUrl}${page}`);
          const diff = new PNG({ width: staging.width, height: staging.height });
          pixelmatch(production.data, staging.data, diff.data, staging.width, staging.height, { threshold: 0.1 });
          PNG.sync.write(diff);
          perResult.push(performance.now() - started);
        }
      }
    }
  } finally {
    await browser.close();
  }
  return perResult;
}

function lighthouseCli(url: string): number {
  const output = mkdtempSync(join(tmpdir(), 'bench-lighthouse-'));
  const started = performance.now();
  execFileSync(
    process.execPath,
    [
      join(__dirname, '..', '..', 'node_modules', 'lighthouse', 'cli', 'index.js'),
      url,
      '--quiet',
      '--preset=desktop',
      '--output=json',
      `--output-path=${join(output, 'report.json')}`,
      '--only-categories=performance,accessibility,best-practices,seo',
      `--chrome-flags=--headless=new --disable-gpu --disable-dev-shm-usage ${process.getuid?.() === 0 ? '--no-sandbox ' : ''}--host-resolver-rules=MAP *.localhost 127.0.0.1`,
    ],
    { env: { ...process.env, CHROME_PATH: CHROMIUM }, stdio: 'ignore' },
  );
  return performance.now() - started;
}

async function main(): Promise<void> {
  const repository = storefrontRepository(visualConfig);
  const stagingd = await StagingdProcess.start({ extraArgs: ['--sandbox', 'none'] });
  try {
    if ((await stagingd.api('POST', '/v1/projects', { repository: repository.dir })).status !== 201) throw new Error('could not register the storefront');
    const queued = await stagingd.api<{ id: string }>('POST', '/v1/projects/storefront/environments/staging/deployments', { ref: 'develop' });
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    if (deployment.status !== 'live') throw new Error(`staging did not go live: ${deployment.reason ?? ''}`);
    const firstRun = await stagingd.waitForEvent<CheckRun>(
      'checks.run.updated',
      (run) => run.deployment_id === deployment.id && run.status !== 'queued' && run.status !== 'running',
      120_000,
    );
    if (firstRun.status !== 'passed') throw new Error(`the first run ${firstRun.status}: ${firstRun.reason ?? ''}`);
    // Production runs here too (promoted; the first run, against nothing, passed): the baseline is its live pages.
    const promoted = await stagingd.api<{ id: string }>('POST', '/v1/projects/storefront/promote', { deployment_id: deployment.id });
    if ((await stagingd.waitForDeployment(promoted.body.id)).status !== 'live') throw new Error('production did not go live');

    const runCheck = async (): Promise<CheckRun> => {
      const started = await stagingd.api<CheckRun>('POST', '/v1/projects/storefront/environments/staging/checks/runs');
      if (started.status !== 202) throw new Error(`Run Checks answered ${started.status}: ${JSON.stringify(started.body)}`);
      return stagingd.waitForEvent<CheckRun>(
        'checks.run.updated',
        (run) => run.id === started.body.id && run.status !== 'queued' && run.status !== 'running',
        300_000,
      );
    };
    const ours: number[] = [];
    const changed: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await runCheck();
      if (run.baseline?.kind !== 'production' || run.visual.length !== pages.length * viewports.length)
        throw new Error(`run ${run.id}: ${run.status} against ${run.baseline?.kind ?? '?'}: ${run.reason ?? ''}`);
      for (const result of run.visual) {
        if (result.status === 'error') throw new Error(`${result.page} at ${result.viewport}: ${result.error ?? ''}`);
        changed.push(result.changed_pixels);
      }
      ours.push(elapsed(run) / run.visual.length);
    }
    const urlOf = async (environment: string): Promise<string> =>
      (await stagingd.api<{ url: string }>('GET', `/v1/projects/storefront/environments/${environment}`)).body.url.replace(/\/$/, '');
    const [stagingUrl, productionUrl] = [await urlOf('staging'), await urlOf('production')];
    // Its browser warmed up by a first round, as ours is by the runs before.
    const plain = (await plainScreenshots(stagingUrl, productionUrl, Math.max(2, Math.ceil(runs / 4)))).slice(pages.length * viewports.length);
    const flaky = changed.filter((pixels) => pixels !== 0).length;

    if ((await stagingd.api('PATCH', '/v1/projects/storefront', { config: performanceConfig })).status !== 200)
      throw new Error('could not change staging.yaml');
    const oursLighthouse: number[] = [];
    const cli: number[] = [];
    for (let round = 0; round < lighthouseRounds; round++) {
      const run = await runCheck();
      if (run.performance[0]?.status === 'error' || !run.performance[0]) throw new Error(`Lighthouse run: ${run.performance[0]?.error ?? run.reason ?? ''}`);
      oursLighthouse.push(elapsed(run));
      cli.push(lighthouseCli(`${stagingUrl}/`));
    }

    const ourMedian = median(ours);
    const plainMedian = median(plain);
    console.log(`Screenshot + diff per page and viewport (${pages.length} pages x ${viewports.length} viewports, staging and production):`);
    console.log(`  stagingd's checks  median ${seconds(ourMedian)}  p95 ${seconds(stats(ours).p95)}  (${runs} runs, per result)`);
    console.log(`  plain script       median ${seconds(plainMedian)}  p95 ${seconds(stats(plain).p95)}  (${plain.length} results)`);
    console.log(`  ratio ${(ourMedian / plainMedian).toFixed(2)} (target <= 1.1); our median ${seconds(ourMedian)} (target under 1.2 s)`);
    console.log(`Flakiness: ${changed.length} results of ${runs} runs of the same deployment, ${flaky} with changed pixels (max ${Math.max(...changed)})`);
    console.log(`Lighthouse, one page, desktop preset, one run (${lighthouseRounds} rounds):`);
    console.log(`  stagingd's check   median ${seconds(median(oursLighthouse))}`);
    console.log(`  lighthouse CLI     median ${seconds(median(cli))}`);
    console.log(`  ratio ${(median(oursLighthouse) / median(cli)).toFixed(2)} (target <= 1.1)`);
  } finally {
    await stagingd.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
