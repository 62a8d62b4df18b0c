import { plural } from '../../../webview/src/shared/units';
import type { CheckRun, EnvironmentChecks } from '../api/staging-api';
import { ago } from '../database/sync-text';

/** A run that has not ended: no other can start, and it cannot be accepted yet. */
export function runUnderWay(run: Pick<CheckRun, 'status'> | null | undefined): boolean {
  return run?.status === 'queued' || run?.status === 'running';
}

/** A run that ended with something to compare with (passed or failed): it can be accepted as the baseline. */
export function runAcceptable(run: Pick<CheckRun, 'status'> | null | undefined): boolean {
  return run?.status === 'passed' || run?.status === 'failed';
}

/** The last run in a few words, as the tree says it: "passed 5 min ago", "failed just now · 2 failures", "running…", "never run". */
export function checksState(checks: Pick<EnvironmentChecks, 'available' | 'last_run'>): string {
  const run = checks.last_run;
  if (!checks.available) return 'unavailable';
  if (!run) return 'never run';
  const when = ago(run.completed_at ?? run.created_at);
  switch (run.status) {
    case 'queued':
      return 'queued…';
    case 'running':
      return `running… ${plural(run.visual.length + run.performance.length, 'result')}`;
    case 'passed':
      return `passed ${when}`;
    case 'failed':
      return `failed ${when} · ${plural(run.failures.length, 'failure')}`;
    case 'error':
      return `could not run ${when}`;
    case 'cancelled':
      return `cancelled ${when}`;
  }
}

/** What started a run: "after deployment" or "requested by admin". */
export function runTrigger(run: Pick<CheckRun, 'trigger' | 'requested_by'>): string {
  return run.trigger === 'deployment' ? 'after the deployment went live' : `requested by ${run.requested_by}`;
}

/** The first failure's message, and how many more there are: what a notification names. */
export function firstFailure(run: Pick<CheckRun, 'failures' | 'reason'>): string {
  const [first, ...more] = run.failures;
  if (!first) return run.reason ?? 'see the log';
  return more.length > 0 ? `${first.message} (and ${plural(more.length, 'more failure', 'more failures')})` : first.message;
}

/** What a run checked, e.g. "2 pages at 2 viewports, 1 Lighthouse audit". */
export function runChecked(run: Pick<CheckRun, 'visual' | 'performance'>): string {
  const pages = new Set(run.visual.map((r) => r.page)).size;
  const viewports = new Set(run.visual.map((r) => r.viewport)).size;
  const parts = [
    ...(run.visual.length > 0 ? [`${plural(pages, 'page')} at ${plural(viewports, 'viewport')}`] : []),
    ...(run.performance.length > 0 ? [plural(run.performance.length, 'Lighthouse audit')] : []),
  ];
  return parts.join(', ') || 'nothing';
}
