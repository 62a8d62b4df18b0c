import picomatch from 'picomatch';
import { parseConfig } from '../../../common/src/config/parse';
import type { DatabaseSync, PreviewSettings } from '../../../webview/src/environment/protocol';

type Loose = Record<string, unknown>;

function record(value: unknown): Loose {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Loose) : {};
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** The environment as the API knows it: enough to find its entry in staging.yaml. */
export interface EnvironmentIdentity {
  name: string;
  kind: 'production' | 'fixed' | 'branch';
  branch: string | null;
}

/**
 * The `environments` entry an environment comes from: a fixed one by name, a per-branch one by the
 * pattern its branch matches (as stagingd matches them).
 */
function environmentEntry(root: Loose, env: EnvironmentIdentity): Loose | undefined {
  const entries = (Array.isArray(root['environments']) ? root['environments'] : []).map(record);
  if (env.kind === 'fixed') return entries.find((e) => e['name'] === env.name && e['branches'] === undefined);
  if (env.kind === 'branch' && env.branch) {
    const branch = env.branch;
    return entries.find((e) => {
      const patterns = typeof e['branches'] === 'string' ? [e['branches']] : strings(e['branches']);
      return patterns.some((pattern) => picomatch.isMatch(branch, pattern));
    });
  }
  return undefined;
}

function databaseSync(root: Loose, env: EnvironmentIdentity): DatabaseSync {
  const database = root['database'];
  if (database === undefined || database === null) return { configured: false, why: 'staging.yaml has no database section' };
  const section = record(database);
  const engine = section['engine'];
  if (engine !== 'postgres' && engine !== 'sqlite') return { configured: false, why: 'the database section of staging.yaml has no valid engine' };
  const tables = record(section['tables']);
  const entry = environmentEntry(root, env);
  // `database.environments` names the entries (templates for per-branch ones); without it, every entry whose `database` is not false.
  const targets = section['environments'];
  const target =
    env.kind !== 'production' &&
    entry !== undefined &&
    (Array.isArray(targets) ? strings(targets).includes(String(entry['name'])) : entry['database'] !== false);
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

/** The project's `previews`, with the environment's own `access` and `feedback` over them. */
function previewSettings(root: Loose, env: EnvironmentIdentity): PreviewSettings {
  const previews = root['previews'];
  const section = record(previews);
  const own = record(environmentEntry(root, env)?.['previews']);
  const access = own['access'] ?? section['access'];
  const feedback = own['feedback'] ?? section['feedback'];
  return {
    declared: previews !== undefined && previews !== null,
    password: section['password'] === 'required' ? 'required' : 'optional',
    expiry: typeof section['expiry'] === 'string' ? section['expiry'] : '7d',
    access: access === 'links' ? 'links' : 'public',
    feedback: feedback !== false,
  };
}

/** What a project's staging.yaml says about database sync into an environment and about shared preview links. */
export function environmentSettings(text: string, env: EnvironmentIdentity): { database: DatabaseSync; previews: PreviewSettings } {
  const root = record(parseConfig(text).value);
  return { database: databaseSync(root, env), previews: previewSettings(root, env) };
}
