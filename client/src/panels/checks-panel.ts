import * as vscode from 'vscode';
import {
  isChecksCommand,
  isChecksKey,
  type ChecksCommand,
  type ChecksFocus,
  type ChecksKey,
  type ChecksRendered,
  type ChecksState,
  type ChecksUpdate,
} from '../../../webview/src/checks/protocol';
import { checksStyle } from '../../../webview/src/checks/style';
import type { CheckRun, Deployment, EnvironmentChecks, StagingApi } from '../api/staging-api';
import { runAcceptable, runUnderWay } from '../checks/check-text';
import type { CommandContext } from '../commands/command-context';
import { CheckImages } from './check-images';
import { OpenPanels, PanelHost } from './panel-host';

/** How many of the environment's runs the charts and the run picker show. */
const historyLength = 20;

export function checksTitle(key: ChecksKey): string {
  return `Checks: ${key.environment}`;
}

function keyOf(key: ChecksKey): string {
  return `${key.project}/${key.environment}`;
}

/** Why Run Checks cannot run now, or null (stagingd's 409 says the rest, such as nothing live). */
function cannotRun(checks: EnvironmentChecks): string | null {
  if (!checks.enabled) return 'staging.yaml (as registered with stagingd) asks for no checks here';
  if (!checks.available) return checks.reason ?? 'stagingd cannot run checks';
  if (runUnderWay(checks.last_run)) return 'a run is under way';
  return null;
}

/** Why the run shown cannot become the baseline, or null. */
function cannotAccept(checks: EnvironmentChecks, run: CheckRun | null): string | null {
  if (!run) return 'no run to accept';
  if (runUnderWay(run)) return 'the run has not ended';
  if (!runAcceptable(run)) return 'the run took no screenshot or score to compare with';
  if (checks.accepted?.run_id === run.id) return 'this run is the baseline already';
  return null;
}

/**
 * One environment's checks, to compare: the run shown (its last by default, following new ones; or one picked from
 * its history) with its deployment, status, baseline and time, each page's staging and baseline screenshots per
 * viewport with a slider and the diff, the Lighthouse scores and metrics against the baseline's with a chart over the
 * last runs, and the buttons that act on it. One panel an environment; it follows the environment's check events and
 * is restored after a reload.
 */
export class ChecksPanel extends PanelHost<ChecksCommand, ChecksUpdate, ChecksRendered> {
  static readonly viewType = 'staging.checks';
  /** The run picked from the history; undefined: the last run, and the next ones. */
  private picked: string | undefined;
  /** The state last posted to the page: everything the page was given. */
  posted: ChecksState | undefined;
  private readonly images: CheckImages;
  private readonly deployments = new Map<string, { label: string; short: string }>();
  /** Where to bring the page once it shows the state being loaded. */
  private pendingFocus: ChecksFocus | undefined;

  static panels(extension: vscode.ExtensionContext, context: CommandContext): OpenPanels<ChecksKey, ChecksPanel> {
    return new OpenPanels(extension, ChecksPanel.viewType, keyOf, isChecksKey, (panel, key) => new ChecksPanel(panel, extension, context, key));
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extension: vscode.ExtensionContext,
    context: CommandContext,
    readonly key: ChecksKey,
  ) {
    super(panel, extension, context, { script: 'checks', title: 'Checks', style: checksStyle, heading: false, isCommand: isChecksCommand });
    panel.title = checksTitle(key);
    this.images = new CheckImages(() => context.session.api);
    const mine = (about: { project: string; environment: string }): boolean => about.project === key.project && about.environment === key.environment;
    this.disposables.push(
      context.events.onCheckRun((run) => {
        if (mine(run)) void this.refresh();
      }),
      context.events.onCheckBaseline((change) => {
        if (mine(change)) void this.refresh();
      }),
      context.events.onState(() => void this.refresh()),
      context.session.onDidChange(() => void this.refresh()),
    );
  }

  /** Shows a run of the environment (its last one: the last, and the ones after); undefined: the last run. */
  showRun(runId: string | undefined): Promise<void> {
    this.picked = runId;
    return this.refresh();
  }

  /** Brings the page to a result once it shows it. */
  focus(focus: ChecksFocus): Promise<void> {
    this.pendingFocus = focus;
    return this.refresh();
  }

  /** The run shown, as last posted: what Accept as Baseline and Log act on from here. */
  get run(): CheckRun | null {
    return this.posted?.run ?? null;
  }

  protected async handle(message: ChecksCommand): Promise<void> {
    // The commands confirm (a modal before the baseline changes) and report their own errors.
    switch (message.type) {
      case 'ready':
        this.images.pageLoaded();
        await this.refresh();
        break;
      case 'refresh':
        await this.refresh();
        break;
      case 'rendered':
        break;
      case 'runChecks':
        // The new run is the last one: shown as it comes, from its events.
        this.picked = undefined;
        await vscode.commands.executeCommand('staging.runChecks', await this.context.session.api.environment(this.key.project, this.key.environment));
        await this.refresh();
        break;
      case 'acceptBaseline':
        await vscode.commands.executeCommand('staging.acceptCheckBaseline', await this.runById(message.runId));
        break;
      case 'resetBaseline':
        await vscode.commands.executeCommand('staging.resetCheckBaseline', await this.context.session.api.environment(this.key.project, this.key.environment));
        break;
      case 'log':
        await vscode.commands.executeCommand('staging.showCheckLog', await this.runById(message.runId));
        break;
      case 'showRun':
        await this.showRun(message.runId ?? undefined);
        break;
    }
  }

  private async runById(id: string): Promise<CheckRun> {
    return this.run?.id === id ? this.run : this.context.session.api.checkRun(id);
  }

  /** A failed load is shown in the page, above what it showed. */
  protected override loadFailed(error: unknown): Promise<ChecksUpdate> {
    return Promise.resolve({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }

  /** Reads the checks, the history and the run shown; posts the images the page does not have, then gives the state. */
  protected override async load(): Promise<ChecksUpdate | undefined> {
    if (this.context.session.state !== 'signedIn') return { type: 'failed', message: 'Not signed in to the staging API: sign in to see these checks.' };
    const api = this.context.session.api;
    const { project, environment } = this.key;
    const checks = await this.readOrClose(api.checks(project, environment));
    if (!checks) return undefined;
    const history = await api.checkRuns(project, environment, historyLength);
    // A run picked that is the last one is the last one: the panel follows the next ones again.
    if (this.picked === checks.last_run?.id) this.picked = undefined;
    const picked = this.picked;
    const run = picked ? (history.find((r) => r.id === picked) ?? (await api.checkRun(picked).catch(() => null))) : checks.last_run;
    if (!run) this.picked = undefined;
    const shown = run ?? checks.last_run;
    await this.describeDeployments(api, [...history, ...(shown ? [shown] : [])]);
    if (shown) {
      const images = await this.images.unsent(shown);
      if (Object.keys(images).length > 0) await this.post({ type: 'images', runId: shown.id, images });
    }
    const accepted = checks.accepted;
    return {
      type: 'state',
      key: this.key,
      settings: {
        available: checks.available,
        reason: checks.reason,
        baseline: checks.baseline,
        blockPromotion: checks.block_promotion,
        accepted: accepted ? { runId: accepted.run_id, deploymentId: accepted.deployment_id, by: accepted.accepted_by, at: accepted.accepted_at } : null,
      },
      run: shown,
      latest: this.picked === undefined,
      history: history.map((r) => ({
        id: r.id,
        deploymentId: r.deployment_id,
        status: r.status,
        at: r.created_at,
        performance: r.performance.map((p) => ({ page: p.page, preset: p.preset, scores: p.scores })),
      })),
      deployments: Object.fromEntries(this.deployments),
      cannotRun: cannotRun(checks),
      cannotAccept: cannotAccept(checks, shown),
      connected: this.context.events.state !== 'disconnected',
    };
  }

  /**
   * Names the deployments the runs checked and compared with, "develop 1a2b3c4 of <when>" (a commit deployed again is
   * another deployment): read once, they never change.
   */
  private async describeDeployments(api: StagingApi, runs: CheckRun[]): Promise<void> {
    const ids = new Set(runs.flatMap((r) => [r.deployment_id, r.baseline?.deployment_id ?? '']).filter(Boolean));
    const missing = (): string[] => [...ids].filter((id) => !this.deployments.has(id));
    const name = (d: Deployment): void => {
      const commit = d.commit?.slice(0, 7);
      this.deployments.set(d.id, { label: `${d.ref}${commit ? ` ${commit}` : ''} of ${new Date(d.created_at).toLocaleString()}`, short: commit ?? d.ref });
    };
    if (missing().length === 0) return;
    for (const d of await api.deployments(this.key.project, this.key.environment, 50)) name(d);
    // Older ones, and production's (a baseline shot from its live release), one by one.
    await Promise.all(missing().map((id) => api.deployment(id).then(name, () => undefined)));
  }

  protected override async post(update: ChecksUpdate): Promise<void> {
    if (update.type === 'state' && !this.disposed) this.posted = update;
    await super.post(update);
    const focus = this.pendingFocus;
    if (update.type === 'state' && focus && this.ready) {
      this.pendingFocus = undefined;
      await super.post({ type: 'focus', ...focus });
    }
  }
}
