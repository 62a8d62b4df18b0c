import { parseConfig } from '../../../common/src/config/parse';
import { environmentConfig } from '../../../common/src/config/environment-entry';
import { toStagingConfig, type StagingConfig, type VariableValue } from '../../../common/src/config/model';
import type { EnvironmentRecord } from '../store/records';
import type { ServerContext } from '../context/server-context';
import { ClientError } from '../context/client-error';
import { SyncConflict } from '../databases/sync-service';
import { refuseLiveKeys } from './payment-isolation';

/** Versions of staging.yaml kept parsed (projects times the versions a deployment may still use). */
const PARSED_VERSIONS = 256;
const parsed = new Map<string, StagingConfig>();

/**
 * staging.yaml as stagingd uses it, parsed once per version (by its text) and shared by every caller, so frozen.
 * The text has passed validation when it was registered.
 */
export function stagingConfig(text: string): StagingConfig {
  let config = parsed.get(text);
  if (config === undefined) {
    config = deepFreeze(toStagingConfig(parseConfig(text).value));
    parsed.set(text, config);
    if (parsed.size > PARSED_VERSIONS) parsed.delete(parsed.keys().next().value!);
  }
  return config;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** `{branch}` filled with a DNS-safe slug of the branch: lowercase, `/` and other runs to `-`. */
export function branchEnvironmentName(template: string, branch: string): string {
  const slug = branch
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return template
    .replace(/\{branch\}/g, slug)
    .slice(0, 40)
    .replace(/-+$/, '');
}

/** What a release inherits from stagingd's own environment. */
export const INHERITED: ReadonlySet<string> = new Set(['PATH', 'HOME', 'LANG', 'TZ', 'NODE_OPTIONS']);

/**
 * The environment a release runs with: a minimal inherited base, staging.yaml's variables (with secret
 * references resolved), then the environment's own variables set through the API. A live payment key in a
 * staging environment's is a 422 naming it (isolation.payments).
 */
export async function releaseVariables(context: ServerContext, config: StagingConfig, env: EnvironmentRecord): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) values[name] = value;
  }
  const declared: Record<string, VariableValue> = { ...config.variables, ...(environmentConfig(config, env)?.variables ?? {}) };
  for (const [name, value] of Object.entries(declared)) {
    if (typeof value === 'string') {
      values[name] = value;
      continue;
    }
    const secret = await context.variables.secretValue(env.project, value.secret);
    if (secret === undefined)
      throw new ClientError(422, `Variable '${name}' refers to the secret '${value.secret}', which is not set for project '${env.project}'.`);
    values[name] = secret;
  }
  // The environment's own database, over staging.yaml's DATABASE_URL (production's, typically); the API's variables still win.
  try {
    Object.assign(values, await context.databases.variables(config, env));
  } catch (error) {
    if (error instanceof SyncConflict) throw new ClientError(409, error.message);
    throw error;
  }
  for (const variable of await context.variables.resolved(env.id)) values[variable.name] = variable.value;
  refuseLiveKeys(env, values, process.env);
  Object.assign(values, await context.assets.variables(config, env, context.previewUrl(env.project, env.kind === 'production' ? null : env.name)));
  // Staging e-mail goes to stagingd's SMTP server whatever else says otherwise (isolation.email).
  Object.assign(values, context.mail.variables(env));
  values['STAGING_PROJECT'] = env.project;
  values['STAGING_ENVIRONMENT'] = env.name;
  return values;
}
