import * as vscode from 'vscode';
import type { ChecksKey } from '../../../webview/src/checks/protocol';
import type { CheckRun, Environment, EnvironmentChecks } from '../api/staging-api';
import { runAcceptable, runUnderWay } from '../checks/check-text';
import { checksTitle, type ChecksPanel } from '../panels/checks-panel';
import type { OpenPanels } from '../panels/panel-host';
import { ChecksNode, PerformanceResultNode, VisualResultNode } from '../tree/checks-nodes';
import { reportError, type CommandContext } from './command-context';
import { environmentFrom } from './pickers';
import { progressUntilEnd } from './sync-progress';

function isCheckRun(arg: unknown): arg is CheckRun {
  if (typeof arg !== 'object' || arg === null) return false;
  const run = arg as Partial<Record<keyof CheckRun, unknown>>;
  return typeof run.id === 'string' && typeof run.deployment_id === 'string' && Array.isArray(run.visual) && Array.isArray(run.performance);
}

/** The run a command acts on: a run or its id (the panel, a notification), a tree node's, or an environment's last run. */
async function runFrom(context: CommandContext, arg: unknown): Promise<CheckRun | undefined> {
  if (arg instanceof VisualResultNode || arg instanceof PerformanceResultNode) return arg.run;
  if (isCheckRun(arg)) return arg;
  if (typeof arg === 'string') return context.session.api.checkRun(arg);
  const env = arg instanceof ChecksNode ? arg.environment : await environmentFrom(context, arg);
  if (!env) return undefined;
  const run = arg instanceof ChecksNode ? arg.run : (await context.session.api.checks(env.project, env.name)).last_run;
  if (!run) void vscode.window.showInformationMessage(`${env.name} has no check run yet: its checks run after each deployment goes live, and on Run Checks.`);
  return run ?? undefined;
}

/** What a run is compared with by staging.yaml, as a phrase. */
function configuredBaseline(checks: Pick<EnvironmentChecks, 'baseline'>): string {
  return checks.baseline === 'previous' ? 'the last deployment whose checks passed' : 'production';
}

/**
 * staging.runChecks: checks the environment's live deployment again (from the tree's Checks node, the environment's
 * menu, the compare panel, or an environment picked). Returns the queued run at once; the status bar shows it until it
 * ends, then a notification says how it went, with the compare panel. stagingd's refusal (no checks, production,
 * nothing live, no Chromium, a run under way) is its 409's message.
 */
export async function runChecks(context: CommandContext, arg?: unknown): Promise<CheckRun | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const run = await context.session.api.startCheckRun(env.project, env.name);
  context.notifier.followedHere(run.id);
  void tellTheEnd(context, env, run).catch((error: unknown) => reportError(error, context));
  return run;
}

async function tellTheEnd(context: CommandContext, env: Environment, run: CheckRun): Promise<void> {
  const read = (id: string): Promise<CheckRun> => context.session.api.checkRun(id);
  const ended = await progressUntilEnd(context, run, `Checking ${env.name}`, context.events.onCheckRun, read, 'checking…');
  if (ended) await context.notifier.checkRunEnded(ended);
}

/**
 * staging.openChecks: the compare panel of an environment (a tree node's, a run's, or one picked), at the result a
 * tree node stands for; a run given is shown (the last one stays the last, following the next ones).
 */
export function openChecks(panels: OpenPanels<ChecksKey, ChecksPanel>) {
  return async (context: CommandContext, arg?: unknown): Promise<ChecksPanel | undefined> => {
    const result = arg instanceof VisualResultNode || arg instanceof PerformanceResultNode ? arg : undefined;
    const run = result?.run ?? (isCheckRun(arg) ? arg : undefined);
    const env = run ? undefined : await environmentFrom(context, arg);
    const key: ChecksKey | undefined = run
      ? { project: run.project, environment: run.environment }
      : env
        ? { project: env.project, environment: env.name }
        : undefined;
    if (!key) return undefined;
    const panel = panels.show(key, checksTitle(key));
    if (run) void panel.showRun(run.id);
    if (result instanceof VisualResultNode) void panel.focus({ check: 'visual', page: result.result.page, viewport: result.result.viewport });
    if (result instanceof PerformanceResultNode) void panel.focus({ check: 'performance', page: result.result.page, preset: result.result.preset });
    return panel;
  };
}

/**
 * staging.acceptCheckBaseline: makes a run (the panel's, a node's, or an environment's last) the environment's
 * baseline, once the user has said so: later runs compare with its screenshots and scores until it is reset.
 */
export async function acceptCheckBaseline(context: CommandContext, arg?: unknown): Promise<EnvironmentChecks | undefined> {
  const run = await runFrom(context, arg);
  if (!run) return undefined;
  if (!runAcceptable(run)) {
    void vscode.window.showInformationMessage(
      runUnderWay(run)
        ? `The check run of ${run.environment} has not ended: it can be accepted once it has.`
        : `The check run of ${run.environment} took no screenshot or score to compare with: it cannot be the baseline.`,
    );
    return undefined;
  }
  const api = context.session.api;
  const [deployment, checks] = await Promise.all([api.deployment(run.deployment_id).catch(() => undefined), api.checks(run.project, run.environment)]);
  const what = deployment ? `${deployment.ref} ${deployment.commit?.slice(0, 7) ?? ''}`.trim() : run.deployment_id;
  const confirm = await vscode.window.showWarningMessage(
    `Accept the checks of ${what} as the baseline of ${run.environment}?`,
    {
      modal: true,
      detail: `Later runs compare with this run’s screenshots and Lighthouse scores (${run.status}, ${new Date(run.created_at).toLocaleString()}) instead of ${configuredBaseline(checks)}, until the baseline is reset.`,
    },
    'Accept as Baseline',
  );
  if (confirm !== 'Accept as Baseline') return undefined;
  const accepted = await api.acceptCheckBaseline(run.id);
  vscode.window.setStatusBarMessage(`$(check) The checks of ${what} are the baseline of ${run.environment}`, 5000);
  return accepted;
}

/** staging.resetCheckBaseline: forgets the run accepted as the environment's baseline, once the user has said so. */
export async function resetCheckBaseline(context: CommandContext, arg?: unknown): Promise<EnvironmentChecks | undefined> {
  const env = await environmentFrom(context, arg);
  if (!env) return undefined;
  const checks = await context.session.api.checks(env.project, env.name);
  if (!checks.accepted) {
    void vscode.window.showInformationMessage(`${env.name} has no accepted baseline: its checks compare with ${configuredBaseline(checks)}.`);
    return undefined;
  }
  const confirm = await vscode.window.showWarningMessage(
    `Reset the checks baseline of ${env.name}?`,
    {
      modal: true,
      detail: `Its runs compare with ${configuredBaseline(checks)} again, as staging.yaml says; the run ${checks.accepted.accepted_by} accepted is no longer the baseline.`,
    },
    'Reset Baseline',
  );
  if (confirm !== 'Reset Baseline') return undefined;
  return context.session.api.resetCheckBaseline(env.project, env.name);
}

/** staging.showCheckLog: a run's log (the panel's, a node's, or an environment's last run) in an output channel, followed while it runs. */
export async function showCheckLog(context: CommandContext, arg?: unknown): Promise<CheckRun | undefined> {
  const run = await runFrom(context, arg);
  if (run) context.logs.showCheckRun(run);
  return run;
}
