import type { AssetsSection, DatabaseSection, SyncSection } from '../../../webview/src/environment/protocol';
import type { DatabaseSync, Environment, EnvironmentAssets, EnvironmentDatabase } from '../api/staging-api';
import { syncUnderWay } from '../database/sync-text';

/** What a sync section says in its own words, where the database and the assets differ. */
interface Wording {
  /** For "stagingd did not say what it has for …". */
  what: string;
  /** Why production is never synced into. */
  production: string;
  /** The workspace's staging.yaml asks for it here, but the one registered with stagingd does not. */
  notRegistered: string;
  /** staging.yaml does not ask for it here. */
  notGiven: string;
  /** stagingd cannot, and did not say why. */
  unavailable: string;
}

/** What stagingd answers of anything it syncs into an environment. */
interface SyncState<Run> {
  enabled: boolean;
  available: boolean;
  reason: string | null;
  last_sync: Run | null;
}

type Local<Config> = Pick<SyncSection<Config, unknown, unknown>, 'config' | 'configSource'>;

/**
 * A section: staging.yaml's settings, stagingd's state (or why it could not say) and whether Sync Now can run, else
 * why not. `askedHere`: the section's staging.yaml asks for it in this environment.
 */
function syncSection<Config, Run extends Pick<DatabaseSync, 'status'>, State extends SyncState<Run>>(
  env: Environment,
  local: Local<Config>,
  answer: State | Error,
  askedHere: boolean,
  wording: Wording,
): SyncSection<Config, Omit<State, 'last_sync'>, Run> {
  if (answer instanceof Error)
    return {
      ...local,
      state: null,
      error: answer.message,
      lastRun: null,
      cannotSync: `stagingd did not say what it has for ${wording.what}: ${answer.message}`,
    };
  const { last_sync: lastRun, ...state } = answer;
  let cannotSync: string | null = null;
  if (env.kind === 'production') cannotSync = wording.production;
  else if (!answer.enabled) cannotSync = askedHere && local.configSource === 'workspace' ? wording.notRegistered : wording.notGiven;
  else if (!answer.available) cannotSync = answer.reason ?? wording.unavailable;
  else if (syncUnderWay(lastRun)) cannotSync = 'a sync is under way';
  return { ...local, state, error: null, lastRun, cannotSync };
}

/** The database section (staging.yaml `database`). */
export function databaseSection(env: Environment, local: Local<DatabaseSection['config']>, answer: EnvironmentDatabase | Error): DatabaseSection {
  return syncSection(env, local, answer, local.config.configured && local.config.target, {
    what: 'this database',
    production: 'production’s database is the source of syncs, never synced into',
    notRegistered: 'the staging.yaml registered with stagingd gives this environment no database of its own: update the project from this staging.yaml first',
    notGiven: 'staging.yaml gives this environment no database of its own',
    unavailable: 'stagingd cannot provide this database',
  });
}

/** The assets section (staging.yaml `assets`). */
export function assetsSection(env: Environment, local: Local<AssetsSection['config']>, answer: EnvironmentAssets | Error): AssetsSection {
  return syncSection(env, local, answer, local.config.configured, {
    what: 'these assets',
    production: 'production’s files are its own: asset syncs copy into staging environments',
    notRegistered: 'the staging.yaml registered with stagingd has no assets section: update the project from this staging.yaml first',
    notGiven: 'staging.yaml has no assets section',
    unavailable: 'stagingd cannot sync these assets',
  });
}
