/** Messages between the checks compare panel and its host in the extension, declared once for both sides. */
import type { components } from '../../../common/src/api/schema';
import { messageGuard } from '../shared/message-type';

type Schemas = components['schemas'];
export type CheckRun = Schemas['CheckRun'];
export type CheckRunStatus = Schemas['CheckRunStatus'];
export type VisualResult = Schemas['VisualResult'];
export type PerformanceResult = Schemas['PerformanceResult'];
export type CheckFailure = Schemas['CheckFailure'];
export type LighthouseScores = Schemas['LighthouseScores'];

/** Which environment's checks a panel shows: also the state VS Code keeps for the panel, to restore it after a reload. */
export interface ChecksKey {
  project: string;
  environment: string;
}

/** An earlier run as the charts draw it: which deployment, when, and its Lighthouse scores per page and preset. */
export interface RunPoint {
  id: string;
  deploymentId: string;
  status: CheckRunStatus;
  at: string;
  performance: { page: string; preset: PerformanceResult['preset']; scores: LighthouseScores | null }[];
}

/** What stagingd says of the environment's checks, besides its runs. */
export interface ChecksSettings {
  available: boolean;
  /** Why stagingd cannot run them (no Chromium). */
  reason: string | null;
  /** staging.yaml's `checks.baseline`. */
  baseline: 'production' | 'previous' | null;
  blockPromotion: boolean;
  /** The run accepted as the baseline, if any. */
  accepted: { runId: string; deploymentId: string; by: string; at: string } | null;
}

export interface ChecksState {
  type: 'state';
  key: ChecksKey;
  settings: ChecksSettings;
  /** The run shown: the environment's last one, or the one picked. */
  run: CheckRun | null;
  /** true: the page shows the last run, and the next one when it starts; false: a run picked from the history. */
  latest: boolean;
  /** The environment's last runs, newest first: the run picker and the score charts. */
  history: RunPoint[];
  /** The deployments the runs checked, by id: as a person reads them ("develop 1a2b3c4 of <when>") and short, for a chart ("1a2b3c4"). */
  deployments: Record<string, { label: string; short: string }>;
  /** Why Run Checks and Accept as Baseline cannot act now, or null. */
  cannotRun: string | null;
  cannotAccept: string | null;
  connected: boolean;
}

/**
 * A run's screenshots and diffs as data: URLs by image name (null: stagingd no longer has it), posted before the state
 * that needs them, each once a page: the page has no way to the API, and no token.
 */
export interface ChecksImages {
  type: 'images';
  runId: string;
  images: Record<string, string | null>;
}

/** Where to bring the page: a visual result (its viewport's tab) or a Lighthouse result. */
export type ChecksFocus = { check: 'visual'; page: string; viewport: string } | { check: 'performance'; page: string; preset: string };

/** Host -> panel. */
export type ChecksUpdate = ChecksState | ChecksImages | { type: 'failed'; message: string } | ({ type: 'focus' } & ChecksFocus);

/** A visual result as the page shows it (for tests and diagnostics). */
export interface VisualRendered {
  page: string;
  viewport: string;
  status: VisualResult['status'];
  /** Each image's source up to its data, e.g. "data:image/png;base64"; null when the page shows none. */
  staging: string | null;
  baseline: string | null;
  diff: string | null;
  /** The line under the page's heading, e.g. "0.02% changed · threshold 0.1% · changed region 400×18 at 0,120". */
  changed: string;
}

/** A Lighthouse result as the page shows it. */
export interface PerformanceRendered {
  page: string;
  preset: string;
  status: PerformanceResult['status'];
  /** Each category as read, e.g. "Performance 98 +2". */
  scores: string[];
  /** Rows of the metrics table. */
  metrics: number;
  failures: string[];
  /** The runs its chart draws: those of the history with scores for this page and preset. */
  chartRuns: number;
}

/** What the page last rendered. */
export interface ChecksRendered {
  runId: string | null;
  status: CheckRunStatus | null;
  /** The header's facts as a person reads them. */
  header: string;
  /** The viewports' tabs, in order. */
  tabs: string[];
  visual: VisualRendered[];
  performance: PerformanceRendered[];
  failures: string[];
  /** Which buttons are enabled. */
  buttons: { run: boolean; accept: boolean; log: boolean; reset: boolean };
}

/** Panel -> host. */
export type ChecksCommand =
  | { type: 'ready' }
  | ({ type: 'rendered' } & ChecksRendered)
  | { type: 'refresh' }
  | { type: 'runChecks' }
  | { type: 'acceptBaseline'; runId: string }
  | { type: 'resetBaseline' }
  | { type: 'log'; runId: string }
  /** null: the last run, and the next ones. */
  | { type: 'showRun'; runId: string | null };

export const isChecksCommand = messageGuard<ChecksCommand>(['ready', 'rendered', 'refresh', 'runChecks', 'acceptBaseline', 'resetBaseline', 'log', 'showRun']);
export const isChecksUpdate = messageGuard<ChecksUpdate>(['state', 'images', 'failed', 'focus']);

export function isChecksKey(value: unknown): value is ChecksKey {
  const key = value as Partial<ChecksKey> | null;
  return typeof key?.project === 'string' && typeof key.environment === 'string';
}
