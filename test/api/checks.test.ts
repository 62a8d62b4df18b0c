/**
 * staging.yaml's checks on a real stagingd with Debian's Chromium and Lighthouse: examples/storefront deployed to a
 * private staging environment, with production out of reach (so the baseline is the last run that passed). The same
 * deployment checked again changes 0 pixels; a branch that turns the sale banner red fails the visual check with
 * exactly the banner as the changed region; a branch that holds the main thread fails Lighthouse's alertOnDrop and
 * sends check.failed (webhook and event); blockPromotion refuses to promote either, naming the failed check;
 * Accept as Baseline makes the red banner the baseline, and the next run passes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import type { components } from '../../common/src/api/schema';
import type { Deployment } from './support/api-types';
import { storefrontConfig, storefrontRepository } from './support/git-fixture';
import { browserSkip } from './support/headless-chromium';
import { StagingdProcess } from './support/stagingd-process';
import { WebhookReceiver } from './support/webhook-receiver';

type CheckRun = components['schemas']['CheckRun'];
type EnvironmentChecks = components['schemas']['EnvironmentChecks'];

/** Where examples/storefront draws its sale banner (CSS pixels: the shots are at scale 1). */
const BANNER = { x: 40, y: 120, width: 240, height: 60 };

function config(webhookUrl: string): string {
  return storefrontConfig(`previews:
  access: links
checks:
  blockPromotion: true
  visual:
    pages: [/]
    viewports:
      - { name: small, width: 800, height: 600 }
    threshold: 0.001
    masks: [.clock]
  performance:
    pages: [/]
    presets: [desktop]
    runs: 1
    alertOnDrop: 10
notifications:
  webhooks:
    - url: ${webhookUrl}
      events: [check.failed]
`);
}

describe('checks: visual regression and Lighthouse', { skip: browserSkip() }, () => {
  let stagingd: StagingdProcess;
  let receiver: WebhookReceiver;
  let repository: ReturnType<typeof storefrontRepository>;

  const deploy = async (ref: string): Promise<Deployment> => {
    const queued = await stagingd.api<Deployment>('POST', '/v1/projects/storefront/environments/staging/deployments', { ref });
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    const deployment = await stagingd.waitForDeployment(queued.body.id);
    assert.equal(deployment.status, 'live', (await stagingd.api<string>('GET', `/v1/deployments/${deployment.id}/logs`)).body);
    return deployment;
  };
  const finished = (match: (run: CheckRun) => boolean): Promise<CheckRun> =>
    stagingd.waitForEvent<CheckRun>('checks.run.updated', (run) => match(run) && !['queued', 'running'].includes(run.status), 180_000);
  const runOf = (deployment: Deployment): Promise<CheckRun> => finished((run) => run.deployment_id === deployment.id && run.trigger === 'deployment');
  const runAgain = async (): Promise<CheckRun> => {
    const started = await stagingd.api<CheckRun>('POST', '/v1/projects/storefront/environments/staging/checks/runs');
    assert.equal(started.status, 202, JSON.stringify(started.body));
    return finished((run) => run.id === started.body.id);
  };
  const log = async (run: CheckRun): Promise<string> => (await stagingd.api<string>('GET', `/v1/check-runs/${run.id}/logs`)).body;
  const image = async (run: CheckRun, name: string | null): Promise<PNG> => {
    assert.ok(name, 'the result names the image');
    const response = await fetch(`${stagingd.apiUrl}/v1/check-runs/${run.id}/images/${name}`, { headers: { authorization: `Bearer ${stagingd.token}` } });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/png');
    return PNG.sync.read(Buffer.from(await response.arrayBuffer()));
  };
  const promote = (deployment: Deployment) =>
    stagingd.api<{ detail: string; check_run_id?: string }>('POST', '/v1/projects/storefront/promote', { deployment_id: deployment.id });

  let develop: Deployment;
  let slow: Deployment;
  let restyle: Deployment;

  before(async () => {
    receiver = await WebhookReceiver.start();
    repository = storefrontRepository(config(receiver.url('/checks')));
    stagingd = await StagingdProcess.start({ dataDir: mkdtempSync('/var/tmp/stagingd-checks-'), extraArgs: ['--sandbox', 'none'] });
    assert.equal((await stagingd.api('POST', '/v1/projects', { repository: repository.dir })).status, 201);
  });

  after(async () => {
    await stagingd?.stop();
    await receiver?.close();
  });

  it('checks a deployment when it goes live: the first run has nothing to compare with, and production out of reach is said', async () => {
    develop = await deploy('develop');
    const first = await runOf(develop);
    assert.equal(first.status, 'passed', `${first.reason}\n${await log(first)}`);
    assert.equal(first.baseline?.kind, 'none');
    assert.equal(first.visual[0]?.status, 'new');
    assert.equal(first.performance[0]?.status, 'new');
    const scores = first.performance[0].scores!;
    for (const score of Object.values(scores)) assert.ok(typeof score === 'number' && score >= 0 && score <= 100, JSON.stringify(scores));
    assert.ok(first.performance[0].metrics!.largest_contentful_paint_ms! > 0);
    // The private environment was shot through its bypass: the page, not the preview gate's sign-in page.
    const shot = await image(first, first.visual[0].images.staging);
    assert.equal(shot.width, 800);
    assert.match(await log(first), /Production \(http:\/\/127\.0\.0\.1:9\/\) cannot be reached/);
    const state = await stagingd.api<EnvironmentChecks>('GET', '/v1/projects/storefront/environments/staging/checks');
    assert.equal(state.body.last_run?.id, first.id);
    assert.equal(state.body.block_promotion, true);
  });

  it('the same deployment checked again changes 0 pixels (the masked clock does not count)', async () => {
    const again = await runAgain();
    assert.equal(again.status, 'passed', `${again.reason}\n${await log(again)}`);
    assert.equal(again.baseline?.kind, 'previous');
    assert.equal(again.visual[0]!.status, 'passed');
    assert.equal(again.visual[0]!.changed_pixels, 0);
    assert.equal(again.visual[0]!.changed_region, null);
    const promoted = await promote(develop);
    assert.equal(promoted.status, 202, 'a deployment whose checks passed is promoted');
    // From now on production runs here: the baseline is its live pages.
    assert.equal((await stagingd.waitForDeployment((promoted.body as unknown as Deployment).id)).status, 'live');
  });

  it('a branch that holds the main thread drops the performance score: check.failed names the page, the metric and the numbers', async () => {
    slow = await deploy('slow');
    const run = await runOf(slow);
    assert.equal(run.status, 'failed', `${run.reason}\n${await log(run)}`);
    assert.equal(run.baseline?.kind, 'production');
    assert.equal(run.visual[0]!.changed_pixels, 0, 'nothing changed to see');
    const drop = run.failures.find((failure) => failure.check === 'performance' && failure.metric === 'performance');
    assert.ok(drop, JSON.stringify(run.failures));
    assert.equal(drop.page, '/');
    assert.equal(drop.preset, 'desktop');
    const before = run.performance[0]!.baseline_scores!.performance!;
    assert.ok(before - drop.value >= 10, `from ${before} to ${drop.value}`);
    // The 1.5 s the script holds the main thread shows as a later first paint when it runs before it, else as blocking time.
    const [after, earlier] = [run.performance[0]!.metrics!, run.performance[0]!.baseline_metrics!];
    const cost = (m: typeof after): number => m.largest_contentful_paint_ms! + m.total_blocking_time_ms!;
    assert.ok(cost(after) - cost(earlier) > 1000, JSON.stringify({ after, earlier }));
    assert.match(drop.message, /performance dropped \d+ points against the baseline, from \d+ to \d+ \(alertOnDrop 10\)/);
    const event = await stagingd.waitForEvent<CheckRun>('check.failed', (failed) => failed.id === run.id);
    assert.deepEqual(event.failures, run.failures);
    const [hook] = await receiver.waitFor((request) => request.event === 'check.failed');
    assert.ok(hook);
    const details = hook.json['check'] as { id: string; failures: { message: string }[] };
    assert.equal(details.id, run.id);
    assert.equal(details.failures[0]!.message, drop.message);
    assert.equal((hook.json['deployment'] as { id: string }).id, slow.id);
    const refused = await promote(slow);
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /cannot be promoted yet: its checks failed: \/ \(desktop\): performance dropped/);
    assert.equal(refused.body.check_run_id, run.id);
  });

  it('a branch that turns the banner red fails the visual check with exactly the banner as the changed region', async () => {
    restyle = await deploy('restyle');
    const run = await runOf(restyle);
    assert.equal(run.status, 'failed', `${run.reason}\n${await log(run)}`);
    const visual = run.visual[0]!;
    assert.equal(visual.status, 'failed');
    assert.deepEqual(visual.changed_region, BANNER);
    assert.ok(
      visual.changed_pixels > BANNER.width * BANNER.height * 0.8 && visual.changed_pixels <= BANNER.width * BANNER.height,
      String(visual.changed_pixels),
    );
    // The images: staging's banner red, the baseline's blue, the diff red only inside the banner.
    const [staging, baseline, diff] = [await image(run, visual.images.staging), await image(run, visual.images.baseline), await image(run, visual.images.diff)];
    const pixel = (png: PNG, x: number, y: number): number[] => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
    assert.deepEqual(pixel(staging, 45, 125), [0xc0, 0x1c, 0x28]);
    assert.deepEqual(pixel(baseline, 45, 125), [0x1a, 0x5f, 0xb4]);
    assert.deepEqual(pixel(diff, 45, 125), [255, 0, 0]);
    assert.notDeepEqual(pixel(diff, 20, 20), [255, 0, 0]);
    assert.ok(
      run.failures.some((failure) => failure.check === 'visual' && failure.viewport === 'small' && /within 240x60 at \(40, 120\)/.test(failure.message)),
    );
    assert.equal((await promote(restyle)).status, 409);
  });

  it('Accept as Baseline: the red banner is what later runs compare with, and the deployment may be promoted once they pass', async () => {
    const [failed] = (await stagingd.api<{ items: CheckRun[] }>('GET', '/v1/projects/storefront/environments/staging/checks/runs?limit=1')).body.items;
    assert.equal(failed?.deployment_id, restyle.id);
    const accepted = await stagingd.api<EnvironmentChecks>('POST', `/v1/check-runs/${failed.id}/baseline`);
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.accepted?.run_id, failed.id);
    const again = await runAgain();
    assert.equal(again.status, 'passed', `${again.reason}\n${await log(again)}`);
    assert.equal(again.baseline?.kind, 'accepted');
    assert.equal(again.visual[0]!.changed_pixels, 0);
    assert.equal((await promote(restyle)).status, 202);
    const reset = await stagingd.api<EnvironmentChecks>('DELETE', '/v1/projects/storefront/environments/staging/checks/baseline');
    assert.equal(reset.body.accepted, null);
  });

  it('bad requests get a 4xx naming what is wrong', async () => {
    const unknown = await stagingd.api<{ detail: string }>('GET', `/v1/check-runs/${crypto.randomUUID()}`);
    assert.equal(unknown.status, 404);
    const [latest] = (await stagingd.api<{ items: CheckRun[] }>('GET', '/v1/projects/storefront/environments/staging/checks/runs?limit=1')).body.items;
    const noImage = await stagingd.api<{ detail: string }>('GET', `/v1/check-runs/${latest!.id}/images/visual-9-small-staging.png`);
    assert.equal(noImage.status, 404);
    const traversal = await stagingd.api<{ detail: string }>('GET', `/v1/check-runs/${latest!.id}/images/..%2F..%2Fadmin-token`);
    assert.equal(traversal.status, 400);
    const production = await stagingd.api<{ detail: string }>('POST', '/v1/projects/storefront/environments/production/checks/runs');
    assert.equal(production.status, 409);
    assert.match(production.body.detail, /production is the checks' baseline/);
  });
});
