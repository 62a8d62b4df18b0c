/** What fails a check: a page changed past `threshold`, a score under its budget, a score that dropped `alertOnDrop` or more. */
import type { ChecksConfig, ScoreCategory } from '../../../common/src/config/model';
import type { CheckFailure, PerformanceResult, VisualResult } from '../store/check-runs';

type ScoreKey = keyof NonNullable<PerformanceResult['scores']>;

/** staging.yaml's category names, and the API's. */
const CATEGORIES: [ScoreCategory, ScoreKey][] = [
  ['performance', 'performance'],
  ['accessibility', 'accessibility'],
  ['bestPractices', 'best_practices'],
  ['seo', 'seo'],
];

function percent(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(3))}%`;
}

export function visualFailure(result: VisualResult): CheckFailure | undefined {
  if (result.status !== 'failed') return undefined;
  const region = result.changed_region;
  return {
    check: 'visual',
    page: result.page,
    viewport: result.viewport,
    preset: null,
    metric: 'changed_ratio',
    value: result.changed_ratio,
    limit: result.threshold,
    message:
      `${result.page} at ${result.viewport}: ${percent(result.changed_ratio)} of the pixels changed (${result.changed_pixels} of ${result.total_pixels}), ` +
      `more than the threshold of ${percent(result.threshold)}${region ? `, within ${region.width}x${region.height} at (${region.x}, ${region.y})` : ''}`,
  };
}

/** The page's failures with this preset: scores under their budgets, and scores alertOnDrop or more below the baseline's. */
export function performanceFailures(result: Omit<PerformanceResult, 'status'>, config: NonNullable<ChecksConfig['performance']>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const failure = (metric: string, value: number, limit: number, message: string): CheckFailure => ({
    check: 'performance',
    page: result.page,
    viewport: null,
    preset: result.preset,
    metric,
    value,
    limit,
    message: `${result.page} (${result.preset}): ${message}`,
  });
  for (const [category, key] of CATEGORIES) {
    const score = result.scores?.[key];
    if (score === null || score === undefined) continue;
    const budget = config.budgets[category];
    if (budget !== undefined && score < budget) failures.push(failure(key, score, budget, `${category} scored ${score}, under the budget of ${budget}`));
    const before = result.baseline_scores?.[key];
    if (config.alertOnDrop !== undefined && typeof before === 'number' && before - score >= config.alertOnDrop)
      failures.push(
        failure(
          key,
          score,
          before - config.alertOnDrop,
          `${category} dropped ${before - score} points against the baseline, from ${before} to ${score} (alertOnDrop ${config.alertOnDrop})`,
        ),
      );
  }
  return failures;
}
