import picomatch from 'picomatch';
import type { EnvironmentConfig, StagingConfig } from './model';

/** An environment as the API knows it: enough to find the staging.yaml entry it comes from. */
export interface EnvironmentIdentity {
  name: string;
  kind: 'production' | 'fixed' | 'branch';
  branch: string | null;
}

/** The staging.yaml entry an environment comes from: a fixed one by name, a per-branch one by the pattern its branch matches. */
export function environmentConfig(config: StagingConfig, env: EnvironmentIdentity): EnvironmentConfig | undefined {
  const branch = env.branch;
  if (env.kind === 'fixed') return config.environments.find((e) => e.name === env.name && !e.branches);
  if (env.kind === 'branch' && branch) return config.environments.find((e) => e.branches?.some((pattern) => picomatch.isMatch(branch, pattern)));
  return undefined;
}

/** Who may open a staging environment and whether link visitors get the feedback widget: its own `previews`, else the project's. */
export function previewSettings(config: StagingConfig, env: EnvironmentIdentity): Pick<StagingConfig['previews'], 'access' | 'feedback'> {
  const own = environmentConfig(config, env)?.previews;
  return { access: own?.access ?? config.previews.access, feedback: own?.feedback ?? config.previews.feedback };
}

/**
 * Whether the environment gets a database of its own: staging.yaml has a `database` section, the environment is
 * listed in `database.environments` (when given) and does not say `database: false`. Production never does: its
 * database is the source, only ever read.
 */
export function hasOwnDatabase(config: StagingConfig, env: EnvironmentIdentity): boolean {
  if (!config.database || env.kind === 'production') return false;
  const entry = environmentConfig(config, env);
  if (entry?.database === false) return false;
  const listed = config.database.environments;
  return listed === undefined || (entry !== undefined && listed.includes(entry.name)) || listed.includes(env.name);
}
