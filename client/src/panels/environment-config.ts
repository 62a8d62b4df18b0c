import { environmentConfig, previewSettings, type EnvironmentIdentity } from '../../../common/src/config/environment-entry';
import { record, toStagingConfig, type Loose, type StagingConfig } from '../../../common/src/config/model';
import { parseConfig } from '../../../common/src/config/parse';
import type { DatabaseSync, PreviewSettings } from '../../../webview/src/environment/protocol';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function databaseSync(root: Loose, config: StagingConfig, env: EnvironmentIdentity): DatabaseSync {
  const database = root['database'];
  if (database === undefined || database === null) return { configured: false, why: 'staging.yaml has no database section' };
  const section = record(database);
  const engine = section['engine'];
  if (engine !== 'postgres' && engine !== 'sqlite') return { configured: false, why: 'the database section of staging.yaml has no valid engine' };
  const tables = record(section['tables']);
  const entry = environmentConfig(config, env);
  // `database.environments` names the entries (templates for per-branch ones); without it, every entry whose `database` is not false.
  const targets = section['environments'];
  const target = env.kind !== 'production' && entry !== undefined && (Array.isArray(targets) ? strings(targets).includes(entry.name) : entry.database);
  return {
    configured: true,
    engine,
    include: tables['include'] === undefined ? null : strings(tables['include']),
    exclude: strings(tables['exclude']),
    anonymizedTables: Object.keys(record(section['anonymize'])).length,
    schedule: typeof section['schedule'] === 'string' ? section['schedule'] : null,
    target,
    lastRun: null,
  };
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

/** What a project's staging.yaml says about database sync into an environment and about shared preview links. */
export function environmentSettings(text: string, env: EnvironmentIdentity): { database: DatabaseSync; previews: PreviewSettings } {
  const value = parseConfig(text).value;
  const root = record(value);
  const config = toStagingConfig(value);
  return { database: databaseSync(root, config, env), previews: previewDisplay(root, config, env) };
}
