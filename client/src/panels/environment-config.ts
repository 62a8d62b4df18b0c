import { CronExpressionParser } from 'cron-parser';
import { hasOwnDatabase, previewSettings, type EnvironmentIdentity } from '../../../common/src/config/environment-entry';
import { record, toStagingConfig, type Loose, type StagingConfig } from '../../../common/src/config/model';
import { parseConfig } from '../../../common/src/config/parse';
import type { AssetsConfig, DatabaseConfig, PreviewSettings } from '../../../webview/src/environment/protocol';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** When a five-field cron (UTC, as stagingd reads `database.schedule`) fires next after `now`; null when it does not parse. */
export function nextRun(schedule: string, now = new Date()): string | null {
  try {
    return CronExpressionParser.parse(schedule, { currentDate: now, tz: 'UTC' }).next().toISOString();
  } catch {
    return null;
  }
}

function databaseConfig(root: Loose, config: StagingConfig, env: EnvironmentIdentity): DatabaseConfig {
  const database = root['database'];
  if (database === undefined || database === null) return { configured: false, why: 'staging.yaml has no database section' };
  const section = record(database);
  const engine = section['engine'];
  if (engine !== 'postgres' && engine !== 'sqlite') return { configured: false, why: 'the database section of staging.yaml has no valid engine' };
  const tables = record(section['tables']);
  const anonymize = config.database?.anonymize ?? {};
  const schedule = typeof section['schedule'] === 'string' ? section['schedule'] : null;
  return {
    configured: true,
    engine,
    include: tables['include'] === undefined ? null : strings(tables['include']),
    exclude: strings(tables['exclude']),
    anonymizedTables: Object.keys(anonymize).length,
    rules: Object.values(anonymize).reduce((sum, columns) => sum + Object.keys(columns).length, 0),
    strict: config.database?.strict ?? true,
    schedule,
    nextRun: schedule ? nextRun(schedule) : null,
    target: hasOwnDatabase(config, env),
    sourceFile: engine === 'sqlite' && env.kind === 'production' && typeof section['source'] === 'string' ? section['source'] : null,
  };
}

/** The `assets` section, with its defaults: what every staging environment gets (production's files are its own). */
function assetsConfig(config: StagingConfig): AssetsConfig {
  const assets = config.assets;
  if (!assets) return { configured: false, why: 'staging.yaml has no assets section' };
  const schedule = assets.schedule ?? null;
  return { configured: true, target: assets.target, exclude: assets.exclude, cleanup: assets.cleanup, schedule, nextRun: schedule ? nextRun(schedule) : null };
}

/** The project's `previews` as written (for display), with the environment's own `access` and `feedback` over them. */
function previewDisplay(root: Loose, config: StagingConfig, env: EnvironmentIdentity): PreviewSettings {
  const previews = root['previews'];
  const section = record(previews);
  return {
    declared: previews !== undefined && previews !== null,
    password: config.previews.password,
    expiry: typeof section['expiry'] === 'string' ? section['expiry'] : '7d',
    ...previewSettings(config, env),
  };
}

/** What a project's staging.yaml says about the environment's database, its assets and shared preview links. */
export function environmentSettings(text: string, env: EnvironmentIdentity): { database: DatabaseConfig; assets: AssetsConfig; previews: PreviewSettings } {
  const value = parseConfig(text).value;
  const root = record(value);
  const config = toStagingConfig(value);
  return { database: databaseConfig(root, config, env), assets: assetsConfig(config), previews: previewDisplay(root, config, env) };
}
