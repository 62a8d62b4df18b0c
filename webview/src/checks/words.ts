// Check results as a person reads them: shared by the compare panel's page and the extension (tree, notifications).
import type { components } from '../../../common/src/api/schema';

type Schemas = components['schemas'];
export type ScoreCategory = keyof Schemas['LighthouseScores'];
export type MetricName = keyof Schemas['LighthouseMetrics'];

/** Lighthouse's four categories, in its own order, with their names and the short ones the tree uses. */
export const categories: readonly { key: ScoreCategory; label: string; short: string }[] = [
  { key: 'performance', label: 'Performance', short: 'Perf' },
  { key: 'accessibility', label: 'Accessibility', short: 'A11y' },
  { key: 'best_practices', label: 'Best Practices', short: 'BP' },
  { key: 'seo', label: 'SEO', short: 'SEO' },
];

/** The metrics the panel lists, in the order Lighthouse reports them; `ms` ones read as seconds past one. */
export const metrics: readonly { key: MetricName; label: string; ms: boolean }[] = [
  { key: 'first_contentful_paint_ms', label: 'First Contentful Paint', ms: true },
  { key: 'largest_contentful_paint_ms', label: 'Largest Contentful Paint', ms: true },
  { key: 'total_blocking_time_ms', label: 'Total Blocking Time', ms: true },
  { key: 'cumulative_layout_shift', label: 'Cumulative Layout Shift', ms: false },
  { key: 'speed_index_ms', label: 'Speed Index', ms: true },
  { key: 'load_time_ms', label: 'Load time', ms: true },
];

/** A ratio as a percentage with the digits that matter: "0%", "0.004%", "0.1%", "0.42%", "12.5%". */
export function percent(ratio: number): string {
  const value = ratio * 100;
  if (value === 0) return '0%';
  if (value >= 10) return `${Number(value.toFixed(1))}%`;
  if (value >= 0.1) return `${Number(value.toFixed(2))}%`;
  return `${Number(value.toPrecision(1))}%`;
}

/** A metric's value: "850 ms", "1.2 s", a layout shift as it is ("0.012"); "—" when Lighthouse had none. */
export function metricValue(value: number | null, ms: boolean): string {
  if (value === null) return '—';
  if (!ms) return String(Number(value.toFixed(3)));
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

/** A score's change against the baseline: "+3", "−5", "±0"; empty without both. */
export function scoreDelta(score: number | null, baseline: number | null | undefined): string {
  if (score === null || baseline === null || baseline === undefined) return '';
  const delta = score - baseline;
  return delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '±0';
}

/** The four scores in a line, e.g. "Perf 98 · A11y 100 · BP 96 · SEO 91" ("–" for one Lighthouse could not score). */
export function scoresLine(scores: Schemas['LighthouseScores']): string {
  return categories.map((c) => `${c.short} ${scores[c.key] ?? '–'}`).join(' · ');
}

/** What a run compared with, as a phrase: "production (https://…)", "the run accepted as the baseline", "nothing yet". */
export function baselinePhrase(baseline: Schemas['CheckBaseline'] | null): string {
  if (!baseline) return 'not chosen yet';
  switch (baseline.kind) {
    case 'production':
      return baseline.url ? `production (${baseline.url})` : 'production';
    case 'previous':
      return 'the last deployment whose checks passed';
    case 'accepted':
      return 'the run accepted as the baseline';
    case 'none':
      return 'nothing yet: the first run becomes the baseline';
  }
}

/** A visual result's state in a few words: "passed · 0.02% changed", "failed · 3.4% changed (over 0.1%)", "new: no baseline yet". */
export function visualState(result: Schemas['VisualResult']): string {
  switch (result.status) {
    case 'passed':
      return `passed · ${percent(result.changed_ratio)} changed`;
    case 'failed':
      return `failed · ${percent(result.changed_ratio)} changed (over ${percent(result.threshold)})`;
    case 'new':
      return 'new: no baseline yet';
    case 'error':
      return `error: ${result.error ?? 'not compared'}`;
  }
}
