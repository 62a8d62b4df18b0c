import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { components } from '../../../common/src/api/schema';
import type { ChecksConfig, StagingConfig, Viewport } from '../../../common/src/config/model';
import type { LogStore } from '../logs/log-store';
import type { ServerLog } from '../logs/server-log';
import type { CheckBaseline, CheckFailure, CheckRunRecord, CheckRunTrigger, PerformanceResult, VisualResult } from '../store/check-runs';
import type { DeploymentRecord, EnvironmentRecord } from '../store/records';
import { now } from '../store/records';
import type { Stores } from '../store/stores';
import type { CheckBrowser, ShotSession } from './check-browser';
import type { CheckGateway } from './check-gateway';
import { presentCheckRun } from './check-presenter';
import { performanceFailures, visualFailure } from './check-verdicts';
import { diffImages } from './image-diff';
import type { LighthouseAudits, Measured } from './lighthouse-audits';

/** A run that cannot start, or a baseline that cannot be accepted: the API answers 409 with its message. */
export class CheckConflict extends Error {}

/** What the API says of an environment's checks. */
export type EnvironmentChecks = components['schemas']['EnvironmentChecks'];

export interface CheckServiceDependencies {
  stores: Stores;
  logs: LogStore;
  dataDir: string;
  log: ServerLog;
  /** Undefined when stagingd has no Chromium (--chromium none, or none installed). */
  browser: CheckBrowser | undefined;
  lighthouse: LighthouseAudits | undefined;
  /** Lets the checks' browsers into private environments. */
  gateway: CheckGateway | undefined;
  /** The preview URL of an environment (null = production). */
  previewUrl(project: string, environment: string | null): string;
  /** A staging environment's bypass secret when it is private (`access: links`); undefined when anyone may open it. */
  bypassSecret(config: StagingConfig, env: EnvironmentRecord): Promise<string | undefined>;
}

/** What a run compares with: live pages at a URL, or the captures of an earlier run. */
type Baseline = { record: CheckBaseline; liveUrl?: string; run?: CheckRunRecord };

const PRODUCTION_PROBE_MS = 5_000;
const IMAGE_NAME = /^[a-z0-9][a-z0-9-]{0,80}\.png$/;

function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 30) || 'viewport'
  );
}

/** A page (a path with its query) on a site's base URL. */
function pageUrl(base: string, page: string): string {
  return new URL(page, base).toString();
}

/**
 * staging.yaml's `checks` on a staging environment's live deployment: after each deployment goes live there, and on
 * demand. Each page is shot full-page at each viewport on staging and on the baseline and compared pixel by pixel;
 * Lighthouse measures each performance page with each preset. One run at a time per environment, each with a record,
 * a log, and its images under `checks/<run id>/`.
 */
export class CheckService {
  private readonly running = new Map<string, { environmentId: string; controller: AbortController; done: Promise<void> }>();

  constructor(private readonly deps: CheckServiceDependencies) {}

  folder(runId: string): string {
    return path.join(this.deps.dataDir, 'checks', runId);
  }

  /** The file of one of a run's images, if it is there. */
  imageFile(runId: string, name: string): string | undefined {
    if (!IMAGE_NAME.test(name)) return undefined;
    const file = path.join(this.folder(runId), name);
    return existsSync(file) ? file : undefined;
  }

  state(config: StagingConfig, env: Pick<EnvironmentRecord, 'kind'>): { enabled: boolean; available: boolean; reason: string | null } {
    if (!config.checks) return { enabled: false, available: false, reason: 'staging.yaml has no checks section' };
    if (env.kind === 'production')
      return { enabled: false, available: false, reason: "production is the checks' baseline: staging environments are checked against it" };
    if (!this.deps.browser) return { enabled: true, available: false, reason: 'stagingd has no Chromium to check pages with (--chromium, or CHROME_PATH)' };
    return { enabled: true, available: true, reason: null };
  }

  async environmentState(config: StagingConfig, env: EnvironmentRecord): Promise<EnvironmentChecks> {
    const [last] = await this.deps.stores.checkRuns.page(env.id, 1);
    const accepted = await this.deps.stores.checkRuns.accepted(env.id);
    const acceptedRun = accepted && (await this.deps.stores.checkRuns.get(accepted.runId));
    return {
      ...this.state(config, env),
      baseline: config.checks?.baseline ?? null,
      block_promotion: config.checks?.blockPromotion ?? false,
      accepted:
        accepted && acceptedRun
          ? { run_id: accepted.runId, deployment_id: acceptedRun.deploymentId, accepted_by: accepted.acceptedBy, accepted_at: accepted.acceptedAt }
          : null,
      last_run: last ? presentCheckRun(last) : null,
    };
  }

  /** Starts a run on the deployment (the environment's live one); it runs in the background (follow its record, events and log). */
  async start(
    config: StagingConfig,
    env: EnvironmentRecord,
    deployment: DeploymentRecord,
    trigger: CheckRunTrigger,
    requestedBy: string,
  ): Promise<CheckRunRecord> {
    const state = this.state(config, env);
    if (!state.enabled || !state.available) throw new CheckConflict(`Environment '${env.name}' is not checked: ${state.reason}.`);
    if ([...this.running.values()].some((job) => job.environmentId === env.id)) throw new CheckConflict(`A check run of '${env.name}' is already under way.`);
    const controller = new AbortController();
    const id = crypto.randomUUID();
    const slot = { environmentId: env.id, controller, done: Promise.resolve() };
    // Taken before the first await, so two requests at once cannot both start one.
    this.running.set(id, slot);
    try {
      const run = await this.deps.stores.checkRuns.insert({
        id,
        environmentId: env.id,
        deploymentId: deployment.id,
        trigger,
        requestedBy,
        status: 'queued',
        createdAt: now(),
      });
      await this.publish(run);
      slot.done = this.run(run, config.checks!, config, env, controller.signal).finally(() => this.running.delete(id));
      return run;
    } catch (error) {
      this.running.delete(id);
      throw error;
    }
  }

  /** A deployment went live in the environment: a run of it, the environment's run under way (of an older deployment) cancelled. */
  async deployed(config: StagingConfig, env: EnvironmentRecord, deployment: DeploymentRecord): Promise<void> {
    const state = this.state(config, env);
    if (!state.enabled || !state.available) return;
    const stale = [...this.running.values()].filter((job) => job.environmentId === env.id);
    for (const job of stale) job.controller.abort(new Error(`deployment ${deployment.id} went live`));
    await Promise.all(stale.map((job) => job.done));
    await this.start(config, env, deployment, 'deployment', deployment.deployedBy).catch((error: unknown) =>
      this.deps.log(`checks of ${env.project}/${env.name} did not start: ${error instanceof Error ? error.message : String(error)}`, 'warn'),
    );
  }

  /** Makes a finished run the environment's baseline: its staging captures are what later runs compare with. */
  async accept(run: CheckRunRecord, acceptedBy: string): Promise<void> {
    if (!['passed', 'failed'].includes(run.status))
      throw new CheckConflict(`Check run ${run.id} is ${run.status}: only a run that finished its checks can be the baseline.`);
    if (!run.visual.some((result) => result.images.staging) && !run.performance.some((result) => result.scores))
      throw new CheckConflict(`Check run ${run.id} took no screenshot and no score to compare with.`);
    await this.deps.stores.checkRuns.accept({ environmentId: run.environmentId, runId: run.id, acceptedBy, acceptedAt: now() });
    await this.deps.stores.events.publish('checks.baseline.updated', { project: run.project, environment: run.environment, run_id: run.id });
  }

  async resetBaseline(env: EnvironmentRecord): Promise<void> {
    await this.deps.stores.checkRuns.resetBaseline(env.id);
    await this.deps.stores.events.publish('checks.baseline.updated', { project: env.project, environment: env.name, run_id: null });
  }

  /**
   * Why the deployment may not be promoted when staging.yaml's checks.blockPromotion says so: its latest run did not
   * pass (or it has none yet); undefined when it may.
   */
  async promotionBlocker(config: StagingConfig, deployment: DeploymentRecord): Promise<{ reason: string; run: CheckRunRecord | undefined } | undefined> {
    if (!config.checks?.blockPromotion) return undefined;
    const run = await this.deps.stores.checkRuns.newestOf(deployment.id);
    if (run?.status === 'passed') return undefined;
    if (!run) return { reason: 'it has not been checked (staging.yaml checks.blockPromotion)', run };
    if (run.status === 'failed') return { reason: `its checks failed: ${run.failures.map((failure) => failure.message).join('; ')}`, run };
    if (run.status === 'queued' || run.status === 'running') return { reason: `its check run ${run.id} is still ${run.status}`, run };
    return { reason: `its check run ${run.id} did not pass (${run.status}${run.reason ? `: ${run.reason}` : ''})`, run };
  }

  /**
   * The image folders of the environment's runs that ended before `before` (retention.screenshots), except the
   * baselines: the accepted run's and the newest passed run's.
   */
  async expiredImages(env: EnvironmentRecord, before: string): Promise<string[]> {
    const { checkRuns } = this.deps.stores;
    const kept = new Set([(await checkRuns.accepted(env.id))?.runId, (await checkRuns.newest(env.id, 'passed'))?.id]);
    return (await checkRuns.page(env.id, 10_000))
      .filter((run) => run.completedAt !== null && run.completedAt < before && !kept.has(run.id))
      .map((run) => this.folder(run.id))
      .filter((folder) => existsSync(folder));
  }

  /** After a restart: a run the previous stagingd left unfinished ended in an error. */
  async recover(): Promise<void> {
    await this.abandon(await this.deps.stores.checkRuns.withStatus(['queued', 'running']), 'stagingd stopped while this run ran');
  }

  /** A silent replica's runs, claimed for this one: they died with it. */
  async takeOver(silent: string): Promise<number> {
    const claimed = await this.deps.stores.checkRuns.claim(silent, ['queued', 'running']);
    for (const run of claimed) await this.deps.logs.adopt(run.id);
    await this.abandon(claimed, `the stagingd replica running it (${silent}) stopped answering`);
    return claimed.length;
  }

  private async abandon(runs: CheckRunRecord[], reason: string): Promise<void> {
    for (const run of runs) await this.publish(await this.deps.stores.checkRuns.update(run.id, { status: 'error', reason, completedAt: now() }));
  }

  cancel(id: string, reason: string): boolean {
    const job = this.running.get(id);
    job?.controller.abort(new Error(reason));
    return job !== undefined;
  }

  /** With its environment: cancels its run and removes every run's images. */
  async remove(env: EnvironmentRecord): Promise<void> {
    const jobs = [...this.running.values()].filter((job) => job.environmentId === env.id);
    for (const job of jobs) job.controller.abort(new Error('the environment was deleted'));
    await Promise.all(jobs.map((job) => job.done));
    for (const run of await this.deps.stores.checkRuns.page(env.id, 1_000_000)) rmSync(this.folder(run.id), { recursive: true, force: true });
  }

  async close(): Promise<void> {
    for (const job of this.running.values()) job.controller.abort(new Error('stagingd stopped'));
    await Promise.all([...this.running.values()].map((job) => job.done));
  }

  private async run(queued: CheckRunRecord, checks: ChecksConfig, config: StagingConfig, env: EnvironmentRecord, signal: AbortSignal): Promise<void> {
    const { stores, logs } = this.deps;
    const log = (line: string): void => void logs.append(queued.id, 'system', line);
    let run = await stores.checkRuns.update(queued.id, { status: 'running', startedAt: now() });
    await this.publish(run);
    const closeGateway: (() => void)[] = [];
    let shots: ShotSession | undefined;
    try {
      const stagingUrl = this.deps.previewUrl(env.project, env.name);
      const gateways = await this.gateways(config, env, stagingUrl, closeGateway);
      const baseline = await this.baseline(checks, config, env, queued, log);
      run = await stores.checkRuns.update(run.id, { baseline: baseline.record });
      await this.publish(run);
      mkdirSync(this.folder(run.id), { recursive: true, mode: 0o700 });
      const visual: VisualResult[] = [];
      const failures: CheckFailure[] = [];
      shots = this.deps.browser!.session(gateways);
      for (const [index, page] of (checks.visual?.pages ?? []).entries()) {
        for (const viewport of checks.visual!.viewports) {
          signal.throwIfAborted();
          const result = await this.visualResult(run.id, index, page, viewport, checks.visual!, stagingUrl, baseline, shots, log);
          visual.push(result);
          const failure = visualFailure(result);
          if (failure) failures.push(failure);
          run = await stores.checkRuns.update(run.id, { visual, failures });
          await this.publish(run);
        }
      }
      // Its pages go before Lighthouse's Chrome comes.
      await shots.close();
      const performance: PerformanceResult[] = [];
      for (const page of checks.performance?.pages ?? []) {
        for (const preset of checks.performance!.presets) {
          signal.throwIfAborted();
          const result = await this.performanceResult(page, preset, checks.performance!, stagingUrl, baseline, gateways, signal, log);
          performance.push(result.result);
          failures.push(...result.failures);
          run = await stores.checkRuns.update(run.id, { performance, failures });
          await this.publish(run);
        }
      }
      const errors = [...visual, ...performance].filter((result) => result.status === 'error').length;
      const status = failures.length > 0 ? 'failed' : errors > 0 ? 'error' : 'passed';
      const reason = errors > 0 ? `${errors} of the checks could not run (see each result's error)` : null;
      log(
        status === 'passed'
          ? 'Passed'
          : status === 'failed'
            ? `Failed: ${failures.length} check${failures.length === 1 ? '' : 's'}`
            : `Could not check everything: ${reason}`,
      );
      run = await stores.checkRuns.update(run.id, { status, reason, completedAt: now() });
    } catch (error) {
      const cancelled = signal.aborted;
      const reason = cancelled ? String((signal.reason as Error | undefined)?.message ?? 'cancelled') : error instanceof Error ? error.message : String(error);
      log(`${cancelled ? 'Cancelled' : 'Error'}: ${reason}`);
      run = await stores.checkRuns.update(run.id, { status: cancelled ? 'cancelled' : 'error', reason, completedAt: now() });
    } finally {
      await shots?.close();
      for (const close of closeGateway) close();
      logs.finish(queued.id);
    }
    await this.publish(run);
    if (run.status === 'failed') await stores.events.publish('check.failed', presentCheckRun(run));
  }

  /** The gateway host of a private environment (its bypass secret added on the way to the proxy); none for a public one. */
  private async gateways(
    config: StagingConfig,
    env: EnvironmentRecord,
    stagingUrl: string,
    closers: (() => void)[],
  ): Promise<{ host: string; port: number }[]> {
    const secret = await this.deps.bypassSecret(config, env);
    if (secret === undefined || !this.deps.gateway) return [];
    const host = new URL(stagingUrl).host;
    closers.push(this.deps.gateway.open(host, secret));
    return [{ host, port: this.deps.gateway.port }];
  }

  /**
   * An accepted run; else production's live pages (production's release when stagingd runs it, else
   * production.url) when staging.yaml says `production` and it answers; else the newest run that passed.
   */
  private async baseline(
    checks: ChecksConfig,
    config: StagingConfig,
    env: EnvironmentRecord,
    run: CheckRunRecord,
    log: (line: string) => void,
  ): Promise<Baseline> {
    const { checkRuns } = this.deps.stores;
    const accepted = await checkRuns.accepted(env.id);
    const acceptedRun = accepted && (await checkRuns.get(accepted.runId));
    if (acceptedRun) {
      log(`Comparing with the accepted baseline: run ${acceptedRun.id} of deployment ${acceptedRun.deploymentId} (accepted by ${accepted.acceptedBy})`);
      return { record: { kind: 'accepted', url: null, run_id: acceptedRun.id, deployment_id: acceptedRun.deploymentId }, run: acceptedRun };
    }
    if (checks.baseline === 'production') {
      const url = await this.productionUrl(config, env);
      if (url.reachable) {
        log(`Comparing with production at ${url.url}`);
        return { record: { kind: 'production', url: url.url, run_id: null, deployment_id: url.deploymentId }, liveUrl: url.url };
      }
      log(`Production (${url.url}) cannot be reached (${url.why}): comparing with the previous deployment that passed its checks`);
    }
    const previous = await checkRuns.newest(env.id, 'passed');
    if (previous && previous.id !== run.id) {
      log(`Comparing with run ${previous.id} of deployment ${previous.deploymentId}, the last that passed`);
      return { record: { kind: 'previous', url: null, run_id: previous.id, deployment_id: previous.deploymentId }, run: previous };
    }
    log('Nothing to compare with yet: this run is the first; when it passes (or is accepted), it is the baseline');
    return { record: { kind: 'none', url: null, run_id: null, deployment_id: null } };
  }

  private async productionUrl(
    config: StagingConfig,
    env: EnvironmentRecord,
  ): Promise<{ url: string; reachable: boolean; why?: string; deploymentId: string | null }> {
    const production = (await this.deps.stores.environments.list(env.project)).find((candidate) => candidate.kind === 'production');
    if (production?.liveDeploymentId && production.status === 'active')
      return { url: this.deps.previewUrl(env.project, null), reachable: true, deploymentId: production.liveDeploymentId };
    const url = config.production.url;
    try {
      await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(PRODUCTION_PROBE_MS) }).then((response) => response.body?.cancel());
      return { url, reachable: true, deploymentId: null };
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { url, reachable: false, why: cause?.code ?? cause?.message ?? (error as Error).message, deploymentId: null };
    }
  }

  private async visualResult(
    runId: string,
    index: number,
    page: string,
    viewport: Viewport,
    visual: NonNullable<ChecksConfig['visual']>,
    stagingUrl: string,
    baseline: Baseline,
    shots: ShotSession,
    log: (line: string) => void,
  ): Promise<VisualResult> {
    const name = (side: string): string => `visual-${index}-${slug(viewport.name)}-${side}.png`;
    const result: VisualResult = {
      page,
      viewport: viewport.name,
      width: viewport.width,
      height: viewport.height,
      status: 'new',
      changed_pixels: 0,
      total_pixels: 0,
      changed_ratio: 0,
      threshold: visual.threshold,
      changed_region: null,
      error: null,
      images: { staging: null, baseline: null, diff: null },
    };
    const shot = (side: string, url: string): Promise<Buffer> =>
      shots.shoot({ url, width: viewport.width, height: viewport.height, masks: visual.masks, side }).then((taken) => taken.png);
    try {
      const [staging, before] = await Promise.all([
        shot('staging', pageUrl(stagingUrl, page)),
        this.baselineShot(baseline, page, viewport, (url) => shot('baseline', url)),
      ]);
      writeFileSync(path.join(this.folder(runId), name('staging')), staging);
      result.images.staging = name('staging');
      if (!before) {
        log(`${page} at ${viewport.name}: shot; nothing to compare with`);
        return result;
      }
      writeFileSync(path.join(this.folder(runId), name('baseline')), before);
      result.images.baseline = name('baseline');
      const diff = diffImages(staging, before);
      writeFileSync(path.join(this.folder(runId), name('diff')), diff.diffPng);
      result.images.diff = name('diff');
      result.changed_pixels = diff.changedPixels;
      result.total_pixels = diff.totalPixels;
      result.changed_ratio = diff.changedPixels / diff.totalPixels;
      result.changed_region = diff.changedRegion;
      result.status = result.changed_ratio > visual.threshold ? 'failed' : 'passed';
      log(`${page} at ${viewport.name}: ${diff.changedPixels} of ${diff.totalPixels} pixels changed: ${result.status}`);
    } catch (error) {
      result.status = 'error';
      result.error = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      log(`${page} at ${viewport.name}: ${result.error}`);
    }
    return result;
  }

  /** The baseline's shot of the page at the viewport: taken now of live pages, or the earlier run's (none if it has none). */
  private async baselineShot(baseline: Baseline, page: string, viewport: Viewport, shot: (url: string) => Promise<Buffer>): Promise<Buffer | undefined> {
    if (baseline.liveUrl) return shot(pageUrl(baseline.liveUrl, page));
    const earlier = baseline.run?.visual.find((result) => result.page === page && result.viewport === viewport.name && result.width === viewport.width);
    const file = earlier?.images.staging ? this.imageFile(baseline.run!.id, earlier.images.staging) : undefined;
    return file ? readFileSync(file) : undefined;
  }

  private async performanceResult(
    page: string,
    preset: 'mobile' | 'desktop',
    performance: NonNullable<ChecksConfig['performance']>,
    stagingUrl: string,
    baseline: Baseline,
    gateways: { host: string; port: number }[],
    signal: AbortSignal,
    log: (line: string) => void,
  ): Promise<{ result: PerformanceResult; failures: CheckFailure[] }> {
    const base = { page, preset, runs: performance.runs, baseline_scores: null, baseline_metrics: null };
    try {
      const measure = (url: string): Promise<Measured> => this.deps.lighthouse!.measure({ url, preset, runs: performance.runs, gateways }, signal);
      const staging = await measure(pageUrl(stagingUrl, page));
      const before: Measured | undefined = baseline.liveUrl
        ? await measure(pageUrl(baseline.liveUrl, page))
        : (() => {
            const earlier = baseline.run?.performance.find((result) => result.page === page && result.preset === preset);
            return earlier?.scores && earlier.metrics ? { scores: earlier.scores, metrics: earlier.metrics } : undefined;
          })();
      const measured = {
        ...base,
        scores: staging.scores,
        metrics: staging.metrics,
        baseline_scores: before?.scores ?? null,
        baseline_metrics: before?.metrics ?? null,
        error: null,
      };
      const failures = performanceFailures(measured, performance);
      const status = failures.length > 0 ? 'failed' : before ? 'passed' : 'new';
      const scores = staging.scores;
      log(
        `${page} (${preset}, median of ${performance.runs}): performance ${scores.performance}, accessibility ${scores.accessibility}, ` +
          `best practices ${scores.best_practices}, SEO ${scores.seo}${before ? `; baseline performance ${before.scores.performance}` : ''}: ${status}`,
      );
      return { result: { ...measured, status }, failures };
    } catch (error) {
      if (signal.aborted) throw error;
      const message = error instanceof Error ? error.message : String(error);
      log(`${page} (${preset}): ${message}`);
      return { result: { ...base, status: 'error', scores: null, metrics: null, error: message }, failures: [] };
    }
  }

  private async publish(run: CheckRunRecord): Promise<void> {
    await this.deps.stores.events.publish('checks.run.updated', presentCheckRun(run));
  }
}
