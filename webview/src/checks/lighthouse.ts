// The Lighthouse section: per page and preset, the four scores with their change against the baseline's (coloured),
// the key metrics beside the baseline's, the failed budgets and drops, and a chart of each score over the last runs.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import { codicon, element } from '../shared/dom';
import { scoreChart, type ChartPoint } from './chart';
import { when } from './header';
import type { ChecksState, LighthouseScores, PerformanceRendered, PerformanceResult } from './protocol';
import { categories, metrics, metricValue, scoreDelta } from './words';

const resultIcons: Record<PerformanceResult['status'], string> = { passed: 'pass', failed: 'error', new: 'circle-large-outline', error: 'warning' };

/** Lighthouse's own bands: 90 and up good, 50 to 89 average, below 50 poor. */
function band(score: number | null): string {
  if (score === null) return 'new';
  return score >= 90 ? 'good' : score >= 50 ? 'average' : 'poor';
}

/** A score went up (better), down (worse) or stayed. */
function deltaClass(delta: string): string {
  return delta.startsWith('+') ? 'better' : delta.startsWith('−') ? 'worse' : 'same';
}

function scoreBox(label: string, score: number | null, baseline: number | null | undefined): { node: HTMLElement; read: string } {
  const delta = scoreDelta(score, baseline);
  const node = element(
    'div',
    { class: 'score' },
    element('span', { class: `value status ${band(score)}` }, score === null ? '–' : String(score)),
    element('span', {}, label),
    ...(delta ? [element('span', { class: `delta ${deltaClass(delta)}`, title: 'Against the baseline' }, delta)] : []),
    element('span', { class: 'muted' }, baseline === null || baseline === undefined ? 'no baseline' : `baseline ${baseline}`),
  );
  return { node, read: `${label} ${score ?? '–'}${delta ? ` ${delta}` : ''}` };
}

/** A metric's change: every one of them is better lower, so more is worse. */
function metricChange(value: number | null, baseline: number | null | undefined, ms: boolean): HTMLElement {
  if (value === null || baseline === null || baseline === undefined) return element('td', {}, '');
  const change = value - baseline;
  const text = change === 0 ? '±0' : `${change > 0 ? '+' : '−'}${metricValue(Math.abs(change), ms)}`;
  return element('td', { class: `delta ${change > 0 ? 'worse' : change < 0 ? 'better' : 'same'}` }, text);
}

/** The runs of the history, oldest first, with scores for this page and preset. */
function chartPoints(state: ChecksState, r: PerformanceResult): ChartPoint[] {
  return [...state.history].reverse().flatMap((run) => {
    const scores: LighthouseScores | null | undefined = run.performance.find((p) => p.page === r.page && p.preset === r.preset)?.scores;
    if (!scores) return [];
    const deployment = state.deployments[run.deploymentId];
    return [{ label: deployment?.short ?? run.deploymentId.slice(0, 7), title: `${deployment?.label ?? run.deploymentId}, ${when(run.at)}`, scores }];
  });
}

function result(state: ChecksState, r: PerformanceResult): { node: HTMLElement; rendered: PerformanceRendered } {
  const failures = (state.run?.failures ?? []).filter((f) => f.check === 'performance' && f.page === r.page && f.preset === r.preset).map((f) => f.message);
  const boxes = r.scores ? categories.map((c) => scoreBox(c.label, r.scores![c.key], r.baseline_scores?.[c.key])) : [];
  const measured = r.metrics;
  const rows = measured
    ? metrics.map((m) =>
        element(
          'tr',
          {},
          element('td', {}, m.label),
          element('td', {}, metricValue(measured[m.key], m.ms)),
          element('td', { class: 'muted' }, metricValue(r.baseline_metrics?.[m.key] ?? null, m.ms)),
          metricChange(measured[m.key], r.baseline_metrics?.[m.key], m.ms),
        ),
      )
    : [];
  const points = chartPoints(state, r);
  const node = element(
    'article',
    { class: 'result', 'data-page': r.page, 'data-preset': r.preset },
    element(
      'h3',
      {},
      element('span', { class: `status ${r.status}` }, codicon(resultIcons[r.status])),
      element('code', {}, r.page),
      ` · ${r.preset}`,
      element('vscode-badge', {}, r.status),
      element('span', { class: 'muted' }, `median of ${r.runs} run${r.runs === 1 ? '' : 's'}`),
    ),
    ...(r.error ? [element('p', { class: 'error' }, r.error)] : []),
    ...(boxes.length > 0 ? [element('div', { class: 'scores' }, ...boxes.map((b) => b.node))] : []),
    ...(rows.length > 0
      ? [
          element(
            'table',
            { class: 'metrics' },
            element('thead', {}, element('tr', {}, ...['Metric', 'Staging', 'Baseline', 'Change'].map((h) => element('th', {}, h)))),
            element('tbody', {}, ...rows),
          ),
        ]
      : []),
    ...(failures.length > 0 ? [element('ul', { class: 'failures' }, ...failures.map((f) => element('li', {}, f)))] : []),
    points.length > 0
      ? scoreChart(points, `Scores of ${r.page} (${r.preset}) over the last ${points.length} run${points.length === 1 ? '' : 's'}`)
      : element('p', { class: 'muted' }, 'No scores to chart yet.'),
  );
  return {
    node,
    rendered: { page: r.page, preset: r.preset, status: r.status, scores: boxes.map((b) => b.read), metrics: rows.length, failures, chartRuns: points.length },
  };
}

/** The section for the run shown; what it shows, as read. */
export function lighthouseSection(state: ChecksState): { node: HTMLElement; rendered: PerformanceRendered[] } {
  const results = (state.run?.performance ?? []).map((r) => result(state, r));
  const node = element('section', { class: 'lighthouse', 'aria-label': 'Lighthouse' });
  if (results.length > 0) node.append(element('h2', {}, 'Lighthouse'), ...results.map((r) => r.node));
  return { node, rendered: results.map((r) => r.rendered) };
}
