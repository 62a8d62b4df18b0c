import * as vscode from 'vscode';
import { baselinePhrase, categories, metrics, metricValue, percent, scoreDelta, scoresLine, visualState } from '../../../webview/src/checks/words';
import type { CheckFailure, CheckRun, Environment, EnvironmentChecks, PerformanceResult, VisualResult } from '../api/staging-api';
import { checksState, runAcceptable, runTrigger, runUnderWay } from '../checks/check-text';
import { StagingNode } from './nodes';

const passedIcon = new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
const failedIcon = new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
const warningIcon = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));

/** A result's icon: passed, failed (a check over its limit), new (nothing to compare with yet), error (not checked). */
function resultIcon(status: VisualResult['status']): vscode.ThemeIcon {
  if (status === 'passed') return passedIcon;
  if (status === 'failed') return failedIcon;
  if (status === 'error') return warningIcon;
  return new vscode.ThemeIcon('circle-large-outline');
}

/** The failures of one result, as the tooltips list them. */
function failuresOf(run: CheckRun, check: CheckFailure['check'], page: string, where: string): string[] {
  return run.failures.filter((f) => f.check === check && f.page === page && (f.viewport ?? f.preset) === where).map((f) => `✗ ${f.message}`);
}

/**
 * A staging environment's checks (staging.yaml `checks`), under it in the tree: the last run's state ("passed 5 min
 * ago", "failed just now · 2 failures", "running…", "never run") or "unavailable", with the baseline and why in the
 * tooltip; its results below. Production has none: it is the baseline. Opens the compare panel.
 */
export class ChecksNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly checks: EnvironmentChecks,
  ) {
    super();
  }

  /** The run the node shows, which Accept as Baseline and Show Check Log take from it. */
  get run(): CheckRun | null {
    return this.checks.last_run;
  }

  treeItem(): vscode.TreeItem {
    const { available, accepted, last_run: run } = this.checks;
    const results = run ? run.visual.length + run.performance.length : 0;
    const item = new vscode.TreeItem('Checks', results > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `checks:${this.environment.project}/${this.environment.name}`;
    item.description = checksState(this.checks);
    item.tooltip = this.tooltip();
    item.iconPath = !available
      ? warningIcon
      : runUnderWay(run)
        ? new vscode.ThemeIcon('sync~spin')
        : run?.status === 'failed'
          ? failedIcon
          : run?.status === 'error'
            ? warningIcon
            : new vscode.ThemeIcon('beaker');
    // Run Checks where it can run, Accept as Baseline once a run ended with results (`ended`; `stopped`: it could not
    // check), Show Check Log once there is a run, Reset Checks Baseline while one is accepted.
    const state = !available ? 'unavailable' : runUnderWay(run) ? 'running' : runAcceptable(run) ? 'ended' : run ? 'stopped' : '';
    item.contextValue = ['checks', state, accepted ? 'accepted' : ''].filter(Boolean).join('.');
    item.command = { command: 'staging.openChecks', title: 'Open Checks', arguments: [this] };
    return item;
  }

  /** Plain text: a reason or a failure's message is shown as it is, never read as Markdown. */
  private tooltip(): string {
    const { available, reason, baseline, block_promotion: blocks, accepted, last_run: run } = this.checks;
    if (!available) return `No checks: ${reason ?? 'stagingd cannot run them'}.`;
    const lines = [
      accepted
        ? `Compared with the run ${accepted.accepted_by} accepted as the baseline, ${new Date(accepted.accepted_at).toLocaleString()}.`
        : baseline === 'previous'
          ? 'Compared with the last deployment whose checks passed.'
          : 'Compared with production (the last deployment whose checks passed when production cannot be reached).',
    ];
    if (blocks) lines.push('Promotion needs the last run to pass.');
    if (run) {
      const when = new Date(run.completed_at ?? run.started_at ?? run.created_at).toLocaleString();
      lines.push(`Last run ${run.status} ${when}, ${runTrigger(run)}; compared with ${baselinePhrase(run.baseline)}.`);
      if (run.reason) lines.push(run.reason);
      if (run.failures.length > 0) lines.push(run.failures.map((f) => `✗ ${f.message}`).join('\n'));
    } else lines.push('Never run: the checks run after each deployment goes live, and on Run Checks.');
    return lines.join('\n\n');
  }
}

/** One page at one viewport of a run: passed or failed, with how much changed; opens the compare panel there. */
export class VisualResultNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly run: CheckRun,
    readonly result: VisualResult,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const r = this.result;
    const item = new vscode.TreeItem(`${r.page} @ ${r.viewport}`, vscode.TreeItemCollapsibleState.None);
    item.id = `check:${this.run.id}:visual:${r.viewport}:${r.page}`;
    item.description = visualState(r);
    const region = r.changed_region ? `, within ${r.changed_region.width}×${r.changed_region.height} px at ${r.changed_region.x},${r.changed_region.y}` : '';
    item.tooltip = [
      `${r.page} at ${r.viewport} (${r.width}×${r.height}), full page.`,
      r.status === 'new'
        ? 'Nothing to compare with yet: this screenshot becomes the baseline when its run passes or is accepted.'
        : `${r.changed_pixels.toLocaleString('en')} of ${r.total_pixels.toLocaleString('en')} pixels changed (${percent(r.changed_ratio)}; the threshold is ${percent(r.threshold)})${region}.`,
      ...(r.error ? [r.error] : []),
      ...failuresOf(this.run, 'visual', r.page, r.viewport),
    ].join('\n\n');
    item.iconPath = resultIcon(r.status);
    item.contextValue = 'checkResult';
    item.command = { command: 'staging.openChecks', title: 'Open Checks', arguments: [this] };
    return item;
  }
}

/** One page with one Lighthouse preset of a run: its four scores; opens the compare panel there. */
export class PerformanceResultNode extends StagingNode {
  constructor(
    readonly environment: Environment,
    readonly run: CheckRun,
    readonly result: PerformanceResult,
  ) {
    super();
  }

  treeItem(): vscode.TreeItem {
    const r = this.result;
    const item = new vscode.TreeItem(`${r.page} @ ${r.preset}`, vscode.TreeItemCollapsibleState.None);
    item.id = `check:${this.run.id}:performance:${r.preset}:${r.page}`;
    item.description = r.scores ? scoresLine(r.scores) : `error: ${r.error ?? 'no scores'}`;
    const scores = r.scores;
    const lines = [`Lighthouse on ${r.page} (${r.preset}), the median of ${r.runs} run${r.runs === 1 ? '' : 's'}.`];
    if (scores)
      lines.push(
        categories
          .map((c) => {
            const delta = scoreDelta(scores[c.key], r.baseline_scores?.[c.key]);
            return `${c.label}: ${scores[c.key] ?? '–'}${delta ? ` (${delta} against the baseline)` : ''}`;
          })
          .join('\n'),
      );
    if (r.metrics) {
      const measured = r.metrics;
      lines.push(metrics.map((m) => `${m.label}: ${metricValue(measured[m.key], m.ms)}`).join('\n'));
    }
    if (r.error) lines.push(r.error);
    lines.push(...failuresOf(this.run, 'performance', r.page, r.preset));
    item.tooltip = lines.join('\n\n');
    item.iconPath = resultIcon(r.status);
    item.contextValue = 'checkResult';
    item.command = { command: 'staging.openChecks', title: 'Open Checks', arguments: [this] };
    return item;
  }
}
