/** Messages between the environment detail panel and its host in the extension, declared once for both sides. */
import type { components } from '../../../common/src/api/schema';
import { messageGuard } from '../shared/message-type';

/** Which environment a panel shows: also the state VS Code keeps for the panel, to restore it after a reload. */
export interface EnvironmentKey {
  project: string;
  environment: string;
}

/** What the page keeps across a hide or reload (vscode.setState): which environment, and unsaved variable edits without secret values. */
export interface EnvironmentPageState extends EnvironmentKey {
  drafts?: { name: string; secret: boolean; value: string; stored: boolean }[];
}

export type EnvironmentStatus = components['schemas']['EnvironmentStatus'];
export type DeploymentStatus = components['schemas']['DeploymentStatus'];

export interface EnvironmentHeader {
  project: string;
  name: string;
  kind: 'production' | 'fixed' | 'branch';
  status: EnvironmentStatus;
  url: string;
  branch: string | null;
  /** The commit of the live deployment. */
  commit: string | null;
  liveDeploymentId: string | null;
  expiresAt: string | null;
}

export interface DeploymentRow {
  id: string;
  ref: string;
  commit: string | null;
  status: DeploymentStatus;
  by: string;
  at: string;
  /** Why it failed or was rolled back. */
  reason: string | null;
  /** An earlier successful deployment this environment can serve again. */
  canRollBack: boolean;
  /** A build production can run (never for production's own deployments). */
  canPromote: boolean;
}

/** A variable as stored; a secret's value never reaches the page (the API does not return it either). */
export interface VariableRow {
  name: string;
  secret: boolean;
  value: string | null;
}

/** What Save sends: a secret without a value keeps its stored value. */
export interface VariableUpdate {
  name: string;
  secret: boolean;
  value?: string;
}

/** Letters, digits and _, not starting with a digit (the API's VariableName). */
export const variableNamePattern = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
export const variableValueMaxLength = 65536;

export type DatabaseSyncRun = components['schemas']['DatabaseSync'];
export type DatabaseSyncStatus = components['schemas']['DatabaseSyncStatus'];

/** The database section of staging.yaml as it applies to this environment. */
export type DatabaseConfig =
  | { configured: false; why: string }
  | {
      configured: true;
      engine: 'postgres' | 'sqlite';
      /** null: every table. */
      include: string[] | null;
      exclude: string[];
      anonymizedTables: number;
      /** Column rules in `database.anonymize`, over every table. */
      rules: number;
      /** Strict mode: a column that looks like personal data and has no rule refuses the sync. */
      strict: boolean;
      /** Five-field cron, UTC. */
      schedule: string | null;
      /** When the schedule fires next (ISO, computed from the cron in UTC); null without a schedule. */
      nextRun: string | null;
      /** Whether this environment has a database of its own (production is the source, never a target). */
      target: boolean;
      /** SQLite, in production: the path of its database file (the source of every sync) in its data folder. */
      sourceFile: string | null;
    };

/**
 * What the panel shows of something stagingd syncs into the environment (its database, its assets): what
 * staging.yaml asks for (the workspace's copy, else the registered one), what stagingd says (what it has, or why it
 * cannot provide it) and the last sync.
 */
export interface SyncSection<Config, State, Run> {
  config: Config;
  /** Which staging.yaml `config` is from; null when neither could be read. */
  configSource: 'workspace' | 'registered' | null;
  /** stagingd's word; null when it could not be asked (`error` says why). */
  state: State | null;
  error: string | null;
  lastRun: Run | null;
  /** Why Sync Now is disabled; null when a sync can start. */
  cannotSync: string | null;
}

/** The environment's database: stagingd's word is its name, or why it cannot provide it. */
export type DatabaseSection = SyncSection<
  DatabaseConfig,
  { enabled: boolean; engine: 'postgres' | 'sqlite' | null; available: boolean; reason: string | null; database: string | null },
  DatabaseSyncRun
>;

export type AssetSyncRun = components['schemas']['AssetSync'];

/** The `assets` section of staging.yaml. */
export type AssetsConfig =
  | { configured: false; why: string }
  | {
      configured: true;
      /** Where releases see the files, relative to the app. */
      target: string;
      /** Globs left out of every sync. */
      exclude: string[];
      /** Whether a sync deletes the files the source no longer has. */
      cleanup: boolean;
      /** Five-field cron, UTC. */
      schedule: string | null;
      /** When the schedule fires next (ISO, UTC); null without a schedule. */
      nextRun: string | null;
    };

/** The environment's assets: stagingd's word is where the files come from (never credentials) and where releases see them. */
export type AssetsSection = SyncSection<
  AssetsConfig,
  { enabled: boolean; available: boolean; reason: string | null; source: string | null; target: string | null },
  AssetSyncRun
>;

/** The database section's controls, which the host can press as a person would (for tests). */
export type DatabaseControl = 'syncDatabase' | 'cancelSync' | 'syncLog';
/** The assets section's controls (no Cancel: stagingd has none for asset syncs). */
export type AssetsControl = 'syncAssets' | 'assetSyncLog';
/** Every control the host can press. */
export type SectionControl = DatabaseControl | AssetsControl;

/** A shared preview link as the API lists it: never its URL, whose token only its creator ever saw. */
export interface PreviewLink {
  id: string;
  label: string | null;
  status: 'active' | 'expired' | 'revoked';
  createdBy: string;
  expiresAt: string;
  lastUsedAt: string | null;
  passwordProtected: boolean;
}

export interface PreviewSettings {
  /** Whether staging.yaml has a `previews` section; without one the defaults apply. */
  declared: boolean;
  password: 'required' | 'optional';
  expiry: string;
  /** `links`: only visitors who came through a link (and automation with the bypass secret) may open it. */
  access: 'public' | 'links';
  feedback: boolean;
}

/** The environment's shared preview links (none for production) and staging.yaml's settings for them. */
export interface Previews {
  links: PreviewLink[];
  /** null when the project's staging.yaml is not in this workspace. */
  settings: PreviewSettings | null;
}

/** The branches (the current one first) and tags the ref selector offers, from the workspace's git. */
export interface Refs {
  branches: string[];
  tags: string[];
  current: string | null;
}

export interface EnvironmentState {
  type: 'state';
  environment: EnvironmentHeader;
  deployments: DeploymentRow[];
  variables: VariableRow[];
  database: DatabaseSection;
  assets: AssetsSection;
  previews: Previews;
  refs: Refs;
  connected: boolean;
}

/** Host -> panel. */
export type EnvironmentUpdate =
  | EnvironmentState
  | { type: 'deleted'; key: EnvironmentKey }
  | { type: 'failed'; message: string }
  | { type: 'variablesSaved' }
  /** `index`: the item of the request the API faulted, when it said which. */
  | { type: 'variablesRefused'; message: string; index: number | null }
  /** Press a control of the page as a person would: the page answers `pressed`. */
  | { type: 'press'; control: SectionControl };

/** Whether staging.yaml asks for it here, and whether stagingd can provide it ('unknown': stagingd did not say). */
export type Availability = 'not configured' | 'unavailable' | 'available' | 'unknown';

/** What the database section shows, as the page rendered it. */
export interface DatabaseRendered {
  availability: Availability;
  /** The last sync's status as shown; null when there is none. */
  lastStatus: DatabaseSyncStatus | null;
  /** The rows the last sync copied, over its tables; null when it copied none. */
  rows: number | null;
  /** Whether Sync Now is enabled. */
  syncNow: boolean;
  /** Whether a Cancel button is shown (a sync is queued or running). */
  cancel: boolean;
  /** The section's text, as a person reads it. */
  text: string;
}

/** What the assets section shows, as the page rendered it. */
export interface AssetsRendered {
  availability: Availability;
  /** The last sync's status as shown; null when there is none. */
  lastStatus: DatabaseSyncStatus | null;
  /** What the last sync found at the source and wrote; null unless it succeeded. */
  files: number | null;
  copied: number | null;
  /** Whether Sync Now is enabled. */
  syncNow: boolean;
  /** The section's text, as a person reads it. */
  text: string;
}

/** What the page last rendered, reported back to the host (for tests and diagnostics). */
export interface Rendered {
  deployments: number;
  variables: number;
  /** Secret variables shown masked. */
  maskedSecrets: number;
  /** Active preview links listed. */
  activePreviewLinks: number;
  status: EnvironmentStatus | 'deleted';
  database: DatabaseRendered | null;
  assets: AssetsRendered | null;
}

/** Panel -> host. */
export type EnvironmentCommand =
  | { type: 'ready' }
  | ({ type: 'rendered' } & Rendered)
  | { type: 'refresh' }
  | { type: 'openUrl' }
  | { type: 'deploy'; ref: string }
  /** Without a deployment: the live one (Deploy to Production). */
  | { type: 'promote'; deploymentId?: string }
  /** Without a deployment: pick one (Roll Back). */
  | { type: 'rollback'; deploymentId?: string }
  | { type: 'logs'; deploymentId: string }
  | { type: 'saveVariables'; items: VariableUpdate[] }
  | { type: 'sharePreview' }
  | { type: 'revokePreview'; id: string }
  | { type: 'syncDatabase' }
  | { type: 'cancelSync'; id: string }
  | { type: 'syncLog'; id: string }
  | { type: 'syncAssets' }
  | { type: 'assetSyncLog'; id: string }
  /** The answer to `press`: whether the control was there and enabled, so it acted. */
  | { type: 'pressed'; control: SectionControl; acted: boolean };

export const isEnvironmentCommand = messageGuard<EnvironmentCommand>([
  'ready',
  'rendered',
  'refresh',
  'openUrl',
  'deploy',
  'promote',
  'rollback',
  'logs',
  'saveVariables',
  'sharePreview',
  'revokePreview',
  'syncDatabase',
  'cancelSync',
  'syncLog',
  'syncAssets',
  'assetSyncLog',
  'pressed',
]);
export const isEnvironmentUpdate = messageGuard<EnvironmentUpdate>(['state', 'deleted', 'failed', 'variablesSaved', 'variablesRefused', 'press']);

export function isEnvironmentKey(value: unknown): value is EnvironmentKey {
  const key = value as Partial<EnvironmentKey> | null | undefined;
  return typeof key?.project === 'string' && typeof key.environment === 'string';
}
